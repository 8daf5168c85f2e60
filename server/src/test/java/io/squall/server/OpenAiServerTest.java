package io.squall.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.squall.llama.FinishReason;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Llama;
import io.squall.llama.Sampling;
import io.squall.model.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server driven by the official OpenAI Java SDK (and raw HTTP for malformed requests) on a loopback port. */
class OpenAiServerTest {
    static final String KEY = "test-key";
    static Llama llama;
    static OpenAiServer server;
    static OpenAIClient client;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static Path stories() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Assumptions.assumeTrue(false, "models/stories260K.gguf not found");
        return null;
    }

    @BeforeAll
    static void start() throws Exception {
        llama = Llama.load(
                stories(), Llama.Options.builder().contextSize(512).parallel(4).build());
        server = new OpenAiServer(
                        llama,
                        new OpenAiServer.Config("127.0.0.1", 0, KEY, "stories260K", 4096, Duration.ofSeconds(60)))
                .start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(KEY)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (llama != null) {
            llama.close();
        }
    }

    static String greedyChat(List<ChatMessage> messages, int maxTokens) {
        return llama.generate(GenerationRequest.chat(messages)
                        .maxTokens(maxTokens)
                        .sampling(Sampling.greedy())
                        .build())
                .text();
    }

    static ChatCompletionCreateParams chatParams(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model("stories260K")
                .addSystemMessage("Tell a story.")
                .addUserMessage(user)
                .maxCompletionTokens(maxTokens)
                .temperature(0)
                .build();
    }

    static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void chatCompletionIsTheLibrarysGreedyReply() {
        ChatCompletion c = client.chat().completions().create(chatParams("Once upon a time", 30));
        String expected =
                greedyChat(List.of(ChatMessage.system("Tell a story."), ChatMessage.user("Once upon a time")), 30);
        assertEquals(expected, c.choices().getFirst().message().content().orElseThrow());
        assertEquals("stories260K", c.model());
        long completionTokens = c.usage().orElseThrow().completionTokens();
        assertTrue(completionTokens > 0 && completionTokens <= 30);
        assertEquals(
                llama.countTokens(List.of(ChatMessage.system("Tell a story."), ChatMessage.user("Once upon a time"))),
                c.usage().orElseThrow().promptTokens());
    }

    @Test
    void streamedChatDeltasAddUpToTheWholeReplyWithUsageAtTheEnd() {
        ChatCompletionCreateParams params = chatParams("The dog", 40).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                }
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        String expected = greedyChat(List.of(ChatMessage.system("Tell a story."), ChatMessage.user("The dog")), 40);
        assertEquals(expected, text.toString());
        assertEquals(1, finish.size());
        assertTrue(usage[0] > 0, "usage chunk");
    }

    @Test
    void completionsWithStopSeedAndLogprobs() {
        Completion c = client.completions()
                .create(CompletionCreateParams.builder()
                        .model("stories260K")
                        .prompt("Once upon a time")
                        .maxTokens(20)
                        .temperature(0)
                        .logprobs(2)
                        .build());
        io.squall.llama.Completion lib = llama.generate(GenerationRequest.prompt("Once upon a time")
                .maxTokens(20)
                .sampling(Sampling.greedy())
                .logprobs(2)
                .build());
        assertEquals(lib.text(), c.choices().getFirst().text());
        var lp = c.choices().getFirst().logprobs().orElseThrow();
        assertEquals(lib.logprobs().size(), lp.tokens().orElseThrow().size());
        // float rounding differs slightly when the slot reuses a cached prefix (a single step instead of a prefill
        // chunk)
        assertEquals(
                lib.logprobs().getFirst().logprob(),
                lp.tokenLogprobs().orElseThrow().getFirst(),
                1e-4);
        String stop = lib.text().substring(5, 8);
        Completion stopped = client.completions()
                .create(CompletionCreateParams.builder()
                        .model("stories260K")
                        .prompt("Once upon a time")
                        .maxTokens(20)
                        .temperature(0)
                        .stop(stop)
                        .build());
        assertEquals(
                lib.text().substring(0, lib.text().indexOf(stop)),
                stopped.choices().getFirst().text());
        assertEquals("stop", stopped.choices().getFirst().finishReason().asString());
        CompletionCreateParams seeded = CompletionCreateParams.builder()
                .model("m")
                .prompt("The cat")
                .maxTokens(15)
                .temperature(1.0)
                .seed(5)
                .build();
        assertEquals(
                client.completions().create(seeded).choices().getFirst().text(),
                client.completions().create(seeded).choices().getFirst().text());
    }

    @Test
    void chatLogprobsThroughTheSdk() {
        ChatCompletion c = client.chat()
                .completions()
                .create(chatParams("Hi", 5).toBuilder()
                        .logprobs(true)
                        .topLogprobs(3)
                        .build());
        var content = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertEquals(c.usage().orElseThrow().completionTokens(), content.size());
        assertEquals(3, content.getFirst().topLogprobs().size());
    }

    @Test
    void concurrentRequestsEachGetTheirOwnReply() throws Exception {
        String[] prompts = {"A cat", "The sun", "Tom ran", "Lily had", "One day", "The bird"};
        ExecutorService pool = Executors.newFixedThreadPool(prompts.length);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (String p : prompts) {
                replies.add(pool.submit(() -> client.chat()
                        .completions()
                        .create(chatParams(p, 25))
                        .choices()
                        .getFirst()
                        .message()
                        .content()
                        .orElseThrow()));
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(
                        greedyChat(List.of(ChatMessage.system("Tell a story."), ChatMessage.user(prompts[i])), 25),
                        replies.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void modelsAndHealth() throws Exception {
        List<Model> models = client.models().list().data();
        assertEquals(1, models.size());
        assertEquals("stories260K", models.getFirst().id());
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
    }

    @Test
    void badFieldsGetOpenAiShapedErrorsNamingTheField() throws Exception {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(chatParams("Hi", 5).toBuilder().temperature(3.5).build()));
        assertEquals("temperature", e.param().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(chatParams("Hi", 5).toBuilder().n(2).build()));
        assertEquals("n", e.param().orElseThrow());
        String[][] cases = {
            {"{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}", "messages[0].role"},
            {"{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content"},
            {"{\"messages\": []}", "messages"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": \"ten\"}", "max_tokens"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_p\": 1.5}", "top_p"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stop\": [\"a\", 3]}", "stop[1]"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"colour\": 1}", "colour"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": []}", "tools"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 2}", "top_logprobs"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(600) + "\"}]}", "messages"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/chat/completions", c[0], KEY);
            assertTrue(c[0].length() < 4096, "every case fits the body limit: a 400, never a 413");
            assertEquals(400, r.statusCode(), c[0]);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertEquals(c[1], error.get("param").asText(), r.body());
            assertTrue(error.get("message").asText().length() > 5);
        }
        HttpResponse<String> prompt = post("/v1/completions", "{\"prompt\": [[1, 2]]}", KEY);
        assertEquals(
                "prompt", JSON.readTree(prompt.body()).get("error").get("param").asText());
        HttpResponse<String> notJson = post("/v1/chat/completions", "{\"messages\": ", KEY);
        assertEquals(400, notJson.statusCode());
        assertTrue(JSON.readTree(notJson.body())
                .get("error")
                .get("message")
                .asText()
                .contains("not valid JSON"));
        HttpResponse<String> tooLarge = post("/v1/completions", "{\"prompt\": \"" + "a".repeat(5000) + "\"}", KEY);
        assertEquals(413, tooLarge.statusCode());
        assertEquals(
                "request_too_large",
                JSON.readTree(tooLarge.body()).get("error").get("code").asText());
        HttpResponse<String> tooLong = post("/v1/completions", "{\"prompt\": \"" + "a b ".repeat(700) + "\"}", KEY);
        assertEquals(
                "context_length_exceeded",
                JSON.readTree(tooLong.body()).get("error").get("code").asText());
    }

    @Test
    void aMissingOrWrongKeyIs401() throws Exception {
        OpenAIClient wrong = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("nope")
                .maxRetries(0)
                .build();
        UnauthorizedException e = assertThrows(
                UnauthorizedException.class, () -> wrong.chat().completions().create(chatParams("Hi", 3)));
        assertEquals("invalid_api_key", e.code().orElseThrow());
        assertEquals(401, post("/v1/completions", "{\"prompt\": \"x\"}", null).statusCode());
    }

    @Test
    void aFullQueueIs429AndADisconnectCancels() throws Exception {
        try (Llama one = Llama.load(
                        stories(),
                        Llama.Options.builder().contextSize(512).maxQueued(0).build());
                OpenAiServer busy = new OpenAiServer(
                                one,
                                new OpenAiServer.Config("127.0.0.1", 0, null, "m", 1 << 20, Duration.ofSeconds(60)))
                        .start()) {
            // a long streaming request, read raw so that the test can drop the connection
            String body =
                    "{\"prompt\": \"Once upon a time\", \"max_tokens\": 500, \"stream\": true, \"ignore_eos\": true, \"temperature\": 0}";
            try (Socket socket = new Socket("127.0.0.1", busy.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(
                        ("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                                .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data:")) {
                    // headers
                }
                assertTrue(line != null, "a first event");
                // while it runs (hundreds of tokens to go), a second request finds the only slot busy and no queue
                String second = "{\"prompt\": \"Hi\", \"max_tokens\": 3}";
                try (Socket other = new Socket("127.0.0.1", busy.port())) {
                    other.getOutputStream()
                            .write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                            + "Content-Length: " + second.length() + "\r\nConnection: close\r\n\r\n"
                                            + second)
                                    .getBytes(StandardCharsets.UTF_8));
                    BufferedReader reply =
                            new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
                    String status = reply.readLine();
                    assertTrue(status.startsWith("HTTP/1.1 429"), status);
                    int length = 0;
                    for (String h; (h = reply.readLine()) != null && !h.isEmpty(); ) {
                        if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    char[] json = new char[length];
                    for (int n = 0; n < length; ) {
                        n += reply.read(json, n, length - n);
                    }
                    assertEquals(
                            "rate_limit_exceeded",
                            JSON.readTree(new String(json))
                                    .get("error")
                                    .get("code")
                                    .asText());
                }
            }
            // the socket is closed: the generation stops at its next write, long before its 500 tokens
            for (int i = 0; i < 600 && (busy.disconnects() == 0 || one.active() > 0); i++) {
                Thread.sleep(50);
            }
            assertEquals(1, busy.disconnects(), "the server noticed the disconnect while generating");
            assertEquals(0, one.active());
            io.squall.llama.Completion after = one.generate(GenerationRequest.prompt("Hi")
                    .maxTokens(3)
                    .sampling(Sampling.greedy())
                    .build());
            assertTrue(
                    after.finishReason() == FinishReason.LENGTH || after.finishReason() == FinishReason.STOP,
                    "the slot serves again");
        }
    }

    @Test
    void aNonStreamingDisconnectCancels() throws Exception {
        Assumptions.assumeTrue(
                TcpPeerState.supported(), "no /proc/net/tcp: a non-streaming disconnect is seen only on Linux");
        try (Llama one = Llama.load(
                        stories(), Llama.Options.builder().contextSize(512).build());
                OpenAiServer s = new OpenAiServer(
                                one,
                                new OpenAiServer.Config("127.0.0.1", 0, null, "m", 1 << 20, Duration.ofSeconds(60)))
                        .start()) {
            for (String path : List.of("/v1/completions", "/v1/chat/completions")) {
                long before = s.disconnects();
                String body = path.contains("chat")
                        ? "{\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}], \"max_tokens\": 500, \"ignore_eos\": true, \"temperature\": 0}"
                        : "{\"prompt\": \"Once upon a time\", \"max_tokens\": 500, \"ignore_eos\": true, \"temperature\": 0}";
                // the whole request, then the socket closed at once: the client is gone before its answer could come
                try (Socket socket = new Socket("127.0.0.1", s.port())) {
                    socket.getOutputStream()
                            .write(("POST " + path
                                            + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                                    .getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                }
                for (int i = 0; i < 600 && (s.disconnects() == before || one.active() > 0); i++) {
                    Thread.sleep(50);
                }
                assertEquals(
                        before + 1,
                        s.disconnects(),
                        path + ": the server noticed the disconnect and cancelled the generation");
                assertEquals(0, one.active(), path);
            }
            // a client that stays gets its whole answer: no false disconnect
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"prompt\": \"Once upon a time\", \"max_tokens\": 200, \"ignore_eos\": true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(
                    200,
                    JSON.readTree(r.body())
                            .get("usage")
                            .get("completion_tokens")
                            .asInt());
            assertEquals(2, s.disconnects());
        }
    }

    @Test
    void moderationsRunTheGuardModel(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String user = "How do I steal a car?";
        Path guardFile = dir.resolve("guard.gguf");
        try (io.squall.model.gguf.GGUFFile vocab = io.squall.model.gguf.GGUFFile.open(stories())) {
            io.squall.model.tokenizer.Tokenizer t = io.squall.model.tokenizer.Tokenizer.fromGGUF(vocab);
            int[] prompt =
                    io.squall.llama.LlamaGuard.encode(t, io.squall.llama.LlamaGuard.Version.LLAMA_GUARD_2, user, null);
            int[] answer = t.encode("unsafe\nS2", false, false);
            int[] chain = new int[answer.length + 2];
            chain[0] = prompt[prompt.length - 1];
            System.arraycopy(answer, 0, chain, 1, answer.length);
            chain[chain.length - 1] = t.eos();
            io.squall.model.convert.ChainModel.write(vocab, "steered llama guard 2", chain, 2048, guardFile);
        }
        try (Llama guard = Llama.load(
                        guardFile, Llama.Options.builder().contextSize(2048).build());
                OpenAiServer s = new OpenAiServer(
                                llama,
                                guard,
                                null,
                                new OpenAiServer.Config("127.0.0.1", 0, null, "m", 1 << 16, Duration.ofSeconds(60)))
                        .start()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + s.port() + "/v1/moderations"))
                    .header("Content-Type", "application/json");
            HttpResponse<String> r = HTTP.send(
                    b.POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"" + user + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode result = JSON.readTree(r.body()).get("results").get(0);
            assertTrue(result.get("flagged").asBoolean());
            assertTrue(result.get("categories").get("S2").asBoolean());
            assertTrue(!result.get("categories").get("S1").asBoolean());
            assertEquals(11, result.get("categories").size(), "Llama Guard 2's categories");
            HttpResponse<String> bad = HTTP.send(
                    b.POST(HttpRequest.BodyPublishers.ofString("{\"input\": [1]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    "input[0]",
                    JSON.readTree(bad.body()).get("error").get("param").asText());
        }
        HttpResponse<String> none = post("/v1/moderations", "{\"input\": \"x\"}", KEY);
        assertEquals(404, none.statusCode());
        assertTrue(none.body().contains("--guard-model"), none.body());
    }
}
