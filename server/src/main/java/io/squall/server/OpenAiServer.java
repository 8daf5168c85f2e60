package io.squall.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.squall.llama.Completion;
import io.squall.llama.FinishReason;
import io.squall.llama.Generation;
import io.squall.llama.Llama;
import io.squall.llama.LlamaGuard;
import io.squall.llama.QueueFullException;
import io.squall.llama.TokenLogprob;
import io.squall.model.llama.ContextWindowExceededException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The OpenAI-compatible HTTP API over one loaded {@link Llama}: POST /v1/chat/completions, POST /v1/completions
 * (both with SSE streaming), GET /v1/models, GET /health. Runs on Helidon SE 4, one virtual thread per request: a
 * handler submits its generation to the model's scheduler (which decodes all running requests together) and writes
 * the text as it comes; a streaming client that disconnects cancels its generation at the next write, a non-streaming
 * one within {@link #DISCONNECT_POLL} (where the kernel's socket tables can be read: Linux).
 */
public final class OpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom IDS = new SecureRandom();
    /** How often a non-streaming request checks that its client is still connected. */
    private static final Duration DISCONNECT_POLL = Duration.ofMillis(250);

    /**
     * Server settings.
     *
     * @param host         address to listen on
     * @param port         port (0 picks a free one)
     * @param apiKey       when non-null, requests under /v1 need {@code Authorization: Bearer <apiKey>}
     * @param modelId      the id /v1/models reports and responses carry
     * @param maxBodyBytes the largest request body accepted (413 above)
     * @param timeout      the longest a generation may take, queue time included
     */
    public record Config(String host, int port, String apiKey, String modelId, long maxBodyBytes, Duration timeout) {}

    private final Llama llama;
    private final Llama guard; // a Llama Guard model for /v1/moderations, or null
    private final LlamaGuard.Version guardVersion;
    private final Config config;
    private final RequestParser parser;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicLong disconnects = new AtomicLong();
    private WebServer server;

    /** A server for {@code llama} (which it does not close); call {@link #start()}. */
    public OpenAiServer(Llama llama, Config config) {
        this(llama, null, null, config);
    }

    /**
     * A server for {@code llama} that also answers /v1/moderations with the Llama Guard model {@code guard} (neither is
     * closed by the server); {@code guardVersion} null detects the prompt format from the guard model's name.
     */
    public OpenAiServer(Llama llama, Llama guard, LlamaGuard.Version guardVersion, Config config) {
        this.llama = llama;
        this.guard = guard;
        this.guardVersion = guard == null ? null : guardVersion != null ? guardVersion : LlamaGuard.detect(guard);
        this.config = config;
        this.parser = new RequestParser(llama.contextSize(), config.timeout());
    }

    /** Starts listening; returns this. */
    public OpenAiServer start() {
        server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .routing(r -> r.get("/health", (req, res) -> health(res))
                        .get("/v1/models", (req, res) -> guarded(req, res, this::models))
                        .post("/v1/chat/completions", (req, res) -> generate(req, res, true))
                        .post("/v1/completions", (req, res) -> generate(req, res, false))
                        .post("/v1/moderations", this::moderate)
                        .any((req, res) -> sendError(
                                res,
                                new ApiException(
                                        404,
                                        "invalid_request_error",
                                        null,
                                        "not_found",
                                        "no route " + req.prologue().method().text() + " "
                                                + req.path().path()))))
                .build()
                .start();
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** Generations cancelled because their client went away (streaming or not). */
    public long disconnects() {
        return disconnects.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }

    private void health(ServerResponse res) {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        o.put("slots", llama.parallel());
        o.put("slots_processing", llama.active());
        o.put("queued", llama.queued());
        sendJson(res, 200, o);
    }

    private JsonNode models(JsonNode ignored) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        ObjectNode m = o.putArray("data").addObject();
        m.put("id", config.modelId());
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "squall");
        return o;
    }

    private void guarded(ServerRequest req, ServerResponse res, Function<JsonNode, JsonNode> handler) {
        try {
            authorize(req);
            sendJson(res, 200, handler.apply(null));
        } catch (ApiException e) {
            sendError(res, e);
        }
    }

    private void authorize(ServerRequest req) {
        if (config.apiKey() == null) {
            return;
        }
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isEmpty() || !auth.get().equals("Bearer " + config.apiKey())) {
            throw new ApiException(
                    401,
                    "invalid_request_error",
                    null,
                    "invalid_api_key",
                    auth.isEmpty()
                            ? "missing API key: send Authorization: Bearer <key>"
                            : "incorrect API key provided");
        }
    }

    private void generate(ServerRequest req, ServerResponse res, boolean chat) {
        Generation g;
        ParsedRequest p;
        try {
            authorize(req);
            JsonNode body = readBody(req);
            p = chat ? parser.chat(body) : parser.completion(body);
            try {
                g = llama.submit(p.generation());
            } catch (QueueFullException e) {
                throw new ApiException(
                        429, "requests", null, "rate_limit_exceeded", "the server is busy: " + e.getMessage());
            } catch (ContextWindowExceededException e) {
                throw new ApiException(
                        400,
                        "invalid_request_error",
                        chat ? "messages" : "prompt",
                        "context_length_exceeded",
                        e.getMessage());
            } catch (IllegalStateException e) {
                throw new ApiException(503, "server_error", null, "unavailable", e.getMessage());
            } catch (IllegalArgumentException e) { // e.g. Llama 2 roles out of order, token ids outside the vocabulary
                throw ApiException.invalid(chat ? "messages" : "prompt", e.getMessage());
            }
        } catch (ApiException e) {
            sendError(res, e);
            return;
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().formatHex(IDS.generateSeed(12));
        if (p.stream()) {
            stream(res, g, p, chat, id);
        } else {
            try {
                Completion c = awaitWhileConnected(req, g);
                if (c == null) {
                    try { // the client is gone; an answer all the same, as Helidon wants every route to send one
                        sendError(
                                res,
                                new ApiException(
                                        499,
                                        "invalid_request_error",
                                        null,
                                        "client_closed_request",
                                        "the client closed the connection before the answer"));
                    } catch (RuntimeException ignored) {
                        // the write failed on the closed connection, as expected
                    }
                    return;
                }
                if (c.finishReason() == FinishReason.TIMEOUT) {
                    throw new ApiException(
                            504,
                            "timeout",
                            null,
                            "timeout",
                            "the generation took longer than "
                                    + config.timeout().toSeconds() + " s");
                }
                sendJson(res, 200, chat ? chatResponse(id, c, p) : completionResponse(id, c, p));
            } catch (ApiException e) {
                sendError(res, e);
            } catch (InterruptedException e) {
                g.cancel();
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                sendError(res, new ApiException(500, "server_error", null, null, e.getMessage()));
            }
        }
    }

    /**
     * The completion of a non-streaming generation, or null when its client disconnected first (the generation is then
     * cancelled): nothing is written until the end, so the connection's state is asked of the kernel every
     * {@link #DISCONNECT_POLL} (see {@link TcpPeerState}); where it cannot be asked, this just waits.
     */
    private Completion awaitWhileConnected(ServerRequest req, Generation g) throws InterruptedException {
        if (!TcpPeerState.supported()
                || !(req.localPeer().address() instanceof InetSocketAddress local)
                || !(req.remotePeer().address() instanceof InetSocketAddress remote)) {
            return g.await();
        }
        java.util.concurrent.CompletableFuture<Completion> done = g.completion();
        while (!done.isDone()) {
            if (TcpPeerState.closedByPeer(local, remote)) {
                g.cancel();
                disconnects.incrementAndGet();
                return null;
            }
            try {
                done.get(DISCONNECT_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still generating: check the connection again
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                break; // g.await() reports it
            }
        }
        return g.await();
    }

    /**
     * POST /v1/moderations: each input classified as a user message by the Llama Guard model. The result has OpenAI's
     * shape ({@code flagged}, {@code categories}, {@code category_scores}) with Llama Guard's category codes as keys.
     */
    private void moderate(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            if (guard == null) {
                throw new ApiException(
                        404,
                        "invalid_request_error",
                        null,
                        "model_not_found",
                        "no moderation model is loaded: start the server with --guard-model FILE (a Llama Guard 2 or 3 GGUF)");
            }
            JsonNode body = readBody(req);
            if (!body.isObject()) {
                throw ApiException.invalid(null, "the request body must be a JSON object");
            }
            for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("input") && !f.equals("model")) {
                    throw ApiException.invalid(f, "Unrecognized request argument supplied: " + f);
                }
            }
            JsonNode model = body.get("model");
            if (model != null && !model.isNull() && !model.isTextual()) {
                throw ApiException.invalid("model", "model must be a string");
            }
            JsonNode input = body.get("input");
            java.util.List<String> texts = new java.util.ArrayList<>();
            if (input != null && input.isTextual()) {
                texts.add(input.asText());
            } else if (input != null && input.isArray() && !input.isEmpty() && input.size() <= 32) {
                for (int i = 0; i < input.size(); i++) {
                    if (!input.get(i).isTextual()) {
                        throw ApiException.invalid(
                                "input[" + i + "]", "input[" + i + "] must be a string (only text is supported)");
                    }
                    texts.add(input.get(i).asText());
                }
            } else {
                throw ApiException.invalid("input", "input must be a string or an array of 1 to 32 strings");
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("id", "modr-" + HexFormat.of().formatHex(IDS.generateSeed(12)));
            o.put("model", guard.name());
            ArrayNode results = o.putArray("results");
            for (String text : texts) {
                LlamaGuard.Verdict v;
                try {
                    v = LlamaGuard.classify(guard, guardVersion, text, null);
                } catch (QueueFullException e) {
                    throw new ApiException(
                            429, "requests", null, "rate_limit_exceeded", "the server is busy: " + e.getMessage());
                } catch (ContextWindowExceededException e) {
                    throw new ApiException(
                            400, "invalid_request_error", "input", "context_length_exceeded", e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new ApiException(502, "server_error", null, "bad_guard_output", e.getMessage());
                }
                ObjectNode r = results.addObject();
                r.put("flagged", !v.safe());
                ObjectNode categories = r.putObject("categories");
                ObjectNode scores = r.putObject("category_scores");
                ObjectNode names = r.putObject("category_names");
                for (LlamaGuard.Category c : guardVersion.categories()) {
                    boolean hit = v.categories().contains(c);
                    categories.put(c.code(), hit);
                    scores.put(c.code(), hit ? 1.0 : 0.0);
                    names.put(c.code(), c.name());
                }
                r.put("guard_output", v.output());
            }
            sendJson(res, 200, o);
        } catch (ApiException e) {
            sendError(res, e);
        }
    }

    private JsonNode readBody(ServerRequest req) {
        Optional<String> length = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (length.isPresent()
                && length.get().matches("\\d{1,18}")
                && Long.parseLong(length.get()) > config.maxBodyBytes()) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBodyBytes() + 1));
        } catch (IOException | UncheckedIOException e) {
            throw ApiException.invalid(null, "could not read the request body: " + e.getMessage());
        }
        if (bytes.length > config.maxBodyBytes()) {
            throw tooLarge();
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getMessage());
        }
    }

    private ApiException tooLarge() {
        return new ApiException(
                413,
                "invalid_request_error",
                null,
                "request_too_large",
                "the request body is larger than " + config.maxBodyBytes() + " bytes");
    }

    private void stream(ServerResponse res, Generation g, ParsedRequest p, boolean chat, String id) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        try (OutputStream out = res.outputStream()) {
            if (chat) {
                ObjectNode first = chunk(id, true);
                ObjectNode delta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
                delta.put("role", "assistant");
                delta.put("content", "");
                event(out, first);
            }
            String piece;
            while ((piece = g.nextText()) != null) {
                ObjectNode c = chunk(id, chat);
                ObjectNode choice = (ObjectNode) c.get("choices").get(0);
                if (chat) {
                    choice.putObject("delta").put("content", piece);
                } else {
                    choice.put("text", piece);
                }
                event(out, c);
            }
            Completion done;
            try {
                done = g.await();
            } catch (RuntimeException e) {
                event(out, new ApiException(500, "server_error", null, null, e.getMessage()).body());
                return;
            }
            if (done.finishReason() == FinishReason.TIMEOUT) {
                event(
                        out,
                        new ApiException(
                                        504,
                                        "timeout",
                                        null,
                                        "timeout",
                                        "the generation took longer than "
                                                + config.timeout().toSeconds() + " s")
                                .body());
            }
            ObjectNode last = chunk(id, chat);
            ObjectNode choice = (ObjectNode) last.get("choices").get(0);
            if (chat) {
                choice.putObject("delta");
            } else {
                choice.put("text", "");
            }
            choice.put("finish_reason", finishReason(done));
            if (p.logprobs()) {
                choice.set("logprobs", chat ? chatLogprobs(done) : completionLogprobs(done));
            }
            event(out, last);
            if (p.includeUsage()) {
                ObjectNode usage = chunk(id, chat);
                usage.putArray("choices");
                usage.set("usage", usage(done));
                event(out, usage);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // a failed write (Helidon reports a closed connection as an unchecked exception of its own): the client
            // went away
            if (!g.isDone()) {
                disconnects.incrementAndGet();
            }
            g.cancel();
        } catch (InterruptedException e) {
            g.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Adds the fields every response and chunk starts with to {@code o}; returns its one choice (index 0). */
    private ObjectNode envelope(ObjectNode o, String id, String object) {
        o.put("id", id);
        o.put("object", object);
        o.put("created", System.currentTimeMillis() / 1000);
        o.put("model", config.modelId());
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        return choice;
    }

    private ObjectNode chunk(String id, boolean chat) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode choice = envelope(o, id, chat ? "chat.completion.chunk" : "text_completion");
        choice.putNull("finish_reason");
        choice.putNull("logprobs");
        return o;
    }

    private ObjectNode chatResponse(String id, Completion c, ParsedRequest p) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode choice = envelope(o, id, "chat.completion");
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", c.text());
        message.putNull("refusal");
        if (p.logprobs()) {
            choice.set("logprobs", chatLogprobs(c));
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason(c));
        o.set("usage", usage(c));
        return o;
    }

    private ObjectNode completionResponse(String id, Completion c, ParsedRequest p) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode choice = envelope(o, id, "text_completion");
        choice.put("text", c.text());
        if (p.logprobs()) {
            choice.set("logprobs", completionLogprobs(c));
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason(c));
        o.set("usage", usage(c));
        return o;
    }

    private static String finishReason(Completion c) {
        return switch (c.finishReason()) {
            case STOP, CANCELLED -> "stop";
            case LENGTH, CONTEXT_FULL, TIMEOUT -> "length";
        };
    }

    private static ObjectNode usage(Completion c) {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", c.promptTokens());
        u.put("completion_tokens", c.completionTokens());
        u.put("total_tokens", c.promptTokens() + c.completionTokens());
        return u;
    }

    private static ObjectNode chatLogprobs(Completion c) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode content = o.putArray("content");
        for (TokenLogprob lp : c.logprobs()) {
            ObjectNode t = content.addObject();
            t.put("token", lp.text());
            t.put("logprob", lp.logprob());
            bytes(t.putArray("bytes"), lp.bytes());
            ArrayNode top = t.putArray("top_logprobs");
            for (TokenLogprob.Alternative a : lp.top()) {
                ObjectNode alt = top.addObject();
                alt.put("token", a.text());
                alt.put("logprob", a.logprob());
                bytes(alt.putArray("bytes"), a.bytes());
            }
        }
        o.putNull("refusal");
        return o;
    }

    private static ObjectNode completionLogprobs(Completion c) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode tokens = o.putArray("tokens");
        ArrayNode logprobs = o.putArray("token_logprobs");
        ArrayNode top = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        int offset = 0;
        for (TokenLogprob lp : c.logprobs()) {
            tokens.add(lp.text());
            logprobs.add(lp.logprob());
            ObjectNode alternatives = top.addObject();
            for (TokenLogprob.Alternative a : lp.top()) {
                alternatives.put(a.text(), a.logprob());
            }
            offsets.add(offset);
            offset += lp.text().length();
        }
        return o;
    }

    private static void bytes(ArrayNode array, byte[] bytes) {
        for (byte b : bytes) {
            array.add(b & 0xff);
        }
    }

    private static void sendError(ServerResponse res, ApiException e) {
        sendJson(res, e.status, e.body());
    }

    private static void sendJson(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
