package io.squall.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Sampling;
import io.squall.model.chat.ChatMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request body into a {@link ParsedRequest}, checking every field: its type, its range, and that it is one
 * this server knows. Every error names the field (as OpenAI's {@code param}), e.g. {@code messages[1].role}.
 */
final class RequestParser {
    private static final Set<String> COMMON = Set.of(
            "model",
            "max_tokens",
            "temperature",
            "top_p",
            "n",
            "stream",
            "stream_options",
            "stop",
            "seed",
            "user",
            "frequency_penalty",
            "presence_penalty",
            "logit_bias",
            "top_k",
            "min_p",
            "repeat_penalty",
            "ignore_eos",
            "logprobs");
    private static final Set<String> CHAT = Set.of(
            "messages",
            "top_logprobs",
            "max_completion_tokens",
            "response_format",
            "store",
            "metadata",
            "parallel_tool_calls");
    private static final Set<String> COMPLETION = Set.of("prompt", "echo", "suffix", "best_of");
    private static final Set<String> UNSUPPORTED = Set.of(
            "tools",
            "tool_choice",
            "functions",
            "function_call",
            "audio",
            "modalities",
            "prediction",
            "web_search_options",
            "reasoning_effort");
    private static final int MAX_STOP = 4;

    private final int contextSize;
    private final Duration timeout;

    RequestParser(int contextSize, Duration timeout) {
        this.contextSize = contextSize;
        this.timeout = timeout;
    }

    ParsedRequest chat(JsonNode body) {
        checkFields(body, CHAT);
        GenerationRequest.Builder b = GenerationRequest.chat(messages(body));
        Integer max = integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer legacyMax = integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        b.maxTokens(max != null ? max : legacyMax != null ? legacyMax : contextSize);
        boolean logprobs = bool(body, "logprobs", false);
        Integer top = integer(body, "top_logprobs", 0, GenerationRequest.MAX_TOP_LOGPROBS);
        if (top != null && !logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs set to true");
        }
        if (logprobs) {
            b.logprobs(top != null ? top : 0);
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull()) {
            if (!format.isObject() || !"text".equals(format.path("type").asText())) {
                throw ApiException.invalid(
                        "response_format", "response_format: only {\"type\": \"text\"} is supported");
            }
        }
        return common(body, b, logprobs);
    }

    ParsedRequest completion(JsonNode body) {
        checkFields(body, COMPLETION);
        JsonNode prompt = body.get("prompt");
        GenerationRequest.Builder b;
        if (prompt == null || prompt.isNull()) {
            throw ApiException.invalid("prompt", "prompt is required");
        } else if (prompt.isTextual()) {
            b = GenerationRequest.prompt(prompt.asText());
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            b = GenerationRequest.prompt(prompt.get(0).asText());
        } else if (prompt.isArray() && !prompt.isEmpty() && allIntegers(prompt)) {
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = prompt.get(i).asInt();
            }
            b = GenerationRequest.tokens(ids);
        } else {
            throw ApiException.invalid(
                    "prompt",
                    "prompt must be a string, an array of one string, or an array of token ids"
                            + " (batches of prompts are not supported: send one request each)");
        }
        Integer max = integer(body, "max_tokens", 0, Integer.MAX_VALUE);
        b.maxTokens(max != null ? max : 16); // OpenAI's default for completions
        Integer top = integer(body, "logprobs", 0, GenerationRequest.MAX_TOP_LOGPROBS);
        if (top != null) {
            b.logprobs(top);
        }
        if (bool(body, "echo", false)) {
            throw ApiException.invalid("echo", "echo is not supported");
        }
        JsonNode suffix = body.get("suffix");
        if (suffix != null && !suffix.isNull()) {
            throw ApiException.invalid("suffix", "suffix (insertion) is not supported");
        }
        Integer bestOf = integer(body, "best_of", 1, 1);
        if (bestOf != null && bestOf != 1) {
            throw ApiException.invalid("best_of", "best_of must be 1");
        }
        return common(body, b, top != null);
    }

    private ParsedRequest common(JsonNode body, GenerationRequest.Builder b, boolean logprobs) {
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw ApiException.invalid("model", "model must be a string");
        }
        Sampling.Builder s = Sampling.builder();
        Double temperature = number(body, "temperature", 0, 2);
        s.temperature(temperature != null ? temperature : 1.0); // OpenAI's default
        Double topP = number(body, "top_p", 0, 1);
        s.topP(topP != null ? topP : 1.0);
        Integer topK = integer(body, "top_k", 0, Integer.MAX_VALUE);
        s.topK(topK != null ? topK : 0);
        Double minP = number(body, "min_p", 0, 1);
        s.minP(minP != null ? minP : 0);
        Double repeat = number(body, "repeat_penalty", 0, 10);
        if (repeat != null) {
            if (repeat == 0) {
                throw ApiException.invalid("repeat_penalty", "repeat_penalty must be > 0");
            }
            s.repeatPenalty(repeat);
        }
        Long seed = longInteger(body, "seed");
        if (seed != null) {
            s.seed(seed);
        }
        for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
            Double p = number(body, penalty, -2, 2);
            if (p != null && p != 0) {
                throw ApiException.invalid(penalty, penalty + " is not supported (only 0); use repeat_penalty");
            }
        }
        JsonNode bias = body.get("logit_bias");
        if (bias != null && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
            throw ApiException.invalid("logit_bias", "logit_bias is not supported");
        }
        Integer n = integer(body, "n", 1, Integer.MAX_VALUE);
        if (n != null && n != 1) {
            throw ApiException.invalid("n", "n must be 1 (one choice per request)");
        }
        b.sampling(s.build()).stop(stops(body)).timeout(timeout).ignoreEndOfGeneration(bool(body, "ignore_eos", false));
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!stream) {
                throw ApiException.invalid("stream_options", "stream_options is only allowed with stream: true");
            }
            if (!options.isObject()) {
                throw ApiException.invalid("stream_options", "stream_options must be an object");
            }
            for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("include_usage")) {
                    throw ApiException.invalid("stream_options." + f, "unknown field stream_options." + f);
                }
            }
            includeUsage = bool(options, "include_usage", false, "stream_options.include_usage");
        }
        return new ParsedRequest(b.build(), stream, includeUsage, logprobs);
    }

    private static void checkFields(JsonNode body, Set<String> specific) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.properties().iterator(); it.hasNext(); ) {
            String f = it.next().getKey();
            if (UNSUPPORTED.contains(f)) {
                throw ApiException.invalid(f, f + " is not supported by this server");
            }
            if (!COMMON.contains(f) && !specific.contains(f)) {
                throw ApiException.invalid(f, "Unrecognized request argument supplied: " + f);
            }
        }
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.invalid("messages", "messages is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty array");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.invalid(at, at + " must be an object");
            }
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("role", "content", "name").contains(f)) {
                    throw ApiException.invalid(at + "." + f, at + "." + f + " is not supported");
                }
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.invalid(at + ".role", at + ".role must be a string");
            }
            String r = switch (role.asText()) {
                case "system", "developer" -> "system";
                case "user" -> "user";
                case "assistant" -> "assistant";
                default ->
                    throw ApiException.invalid(
                            at + ".role",
                            at + ".role must be system, developer, user or assistant, got '" + role.asText() + "'");
            };
            out.add(new ChatMessage(r, content(m.get("content"), at + ".content")));
        }
        return out;
    }

    private static String content(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            throw ApiException.invalid(at, at + " is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiException.invalid(at, at + " must be a string or an array of text parts");
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String p = at + "[" + j + "]";
            if (!part.isObject()
                    || !"text".equals(part.path("type").asText())
                    || !part.path("text").isTextual()) {
                throw ApiException.invalid(
                        p, p + " must be {\"type\": \"text\", \"text\": ...} (only text parts are supported)");
            }
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private static List<String> stops(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            if (stop.asText().isEmpty()) {
                throw ApiException.invalid("stop", "stop must not be empty");
            }
            return List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > MAX_STOP) {
            throw ApiException.invalid("stop", "stop must be a string or an array of at most " + MAX_STOP + " strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual() || stop.get(i).asText().isEmpty()) {
                throw ApiException.invalid("stop[" + i + "]", "stop[" + i + "] must be a non-empty string");
            }
            out.add(stop.get(i).asText());
        }
        return out;
    }

    private static boolean allIntegers(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static Double number(JsonNode body, String field, double min, double max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw ApiException.invalid(field, field + " must be a number, got " + n);
        }
        double v = n.asDouble();
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid(field, field + " must be between " + min + " and " + max + ", got " + n);
        }
        return v;
    }

    private static Integer integer(JsonNode body, String field, int min, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiException.invalid(field, field + " must be an integer, got " + n);
        }
        int v = n.asInt();
        if (v < min || v > max) {
            throw ApiException.invalid(
                    field,
                    field + " must be " + (max == Integer.MAX_VALUE ? ">= " + min : "in " + min + ".." + max) + ", got "
                            + v);
        }
        return v;
    }

    private static Long longInteger(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiException.invalid(field, field + " must be an integer, got " + n);
        }
        return n.asLong();
    }

    private static boolean bool(JsonNode body, String field, boolean dflt) {
        return bool(body, field, dflt, field);
    }

    private static boolean bool(JsonNode body, String field, boolean dflt, String name) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid(name, name + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }
}
