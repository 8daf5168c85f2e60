package io.squall.model.tokenizer.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.squall.model.tokenizer.TokenType;
import io.squall.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} with a byte-level BPE model and the Llama 3 pre-tokenizer (plus,
 * optionally, {@code tokenizer_config.json} for BOS/EOS, add_bos_token and the chat template). Added tokens marked
 * special become control tokens, the other added tokens user-defined; ids missing from both become unused
 * {@code [PADn]} tokens, as llama.cpp's converter does.
 */
final class HuggingFaceTokenizer {
    /** The split pattern of Llama 3's pre-tokenizer, as tokenizer.json spells it. */
    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final int MAX_VOCABULARY = 1 << 22;

    private HuggingFaceTokenizer() {}

    static Vocabulary read(Path tokenizerJson, Path configJson) throws IOException {
        ObjectMapper json = new ObjectMapper();
        TokenizerJson file = TokenizerJson.scan(json, tokenizerJson);
        JsonNode config = configJson != null ? parse(json, configJson) : null;

        if (!"BPE".equals(file.modelType))
            throw error(tokenizerJson, "model.type", "'" + file.modelType + "' is not BPE");
        if (file.preTokenizer.findValues("Regex").stream().noneMatch(r -> LLAMA3_PATTERN.equals(r.asText())))
            throw error(tokenizerJson, "pre_tokenizer", "not the Llama 3 split pattern; only llama-bpe is supported");
        if (file.vocabTokens.isEmpty()) throw error(tokenizerJson, "model.vocab", "missing or empty");
        if (file.merges.isEmpty()) throw error(tokenizerJson, "model.merges", "missing or empty");

        JsonNode added = file.addedTokens;
        int size = 0;
        for (int i = 0; i < file.vocabIds.size(); i++) size = Math.max(size, file.vocabIds.get(i) + 1);
        for (JsonNode a : added) size = Math.max(size, id(tokenizerJson, "added_tokens", a.path("id")) + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (int i = 0; i < file.vocabIds.size(); i++) {
            int id = file.vocabIds.get(i);
            tokens[id] = file.vocabTokens.get(i);
            types[id] = TokenType.NORMAL.id();
        }
        for (JsonNode a : added) {
            int id = a.path("id").asInt();
            if (!a.path("content").isTextual())
                throw error(tokenizerJson, "added_tokens", "token " + id + " has no content");
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean(false) ? TokenType.CONTROL.id() : TokenType.USER_DEFINED.id();
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED.id();
            }
        }
        String[] merges = file.merges.toArray(String[]::new);

        Map<String, Integer> ids = new java.util.HashMap<>();
        for (int id = 0; id < size; id++) ids.putIfAbsent(tokens[id], id);
        int bos = specialId(config, "bos_token", "<|begin_of_text|>", ids, configJson);
        int eos = specialId(config, "eos_token", "<|end_of_text|>", ids, configJson);
        int eot = ids.getOrDefault("<|eot_id|>", -1);
        boolean addBos = config == null || config.path("add_bos_token").asBoolean(true);
        boolean addEos = config != null && config.path("add_eos_token").asBoolean(false);
        String template = config != null ? chatTemplate(config.path("chat_template")) : null;
        return new Vocabulary(
                Vocabulary.BPE,
                "llama-bpe",
                tokens,
                null,
                types,
                merges,
                bos,
                eos,
                -1,
                eot,
                addBos,
                addEos,
                false,
                template);
    }

    /**
     * The parts of tokenizer.json the conversion needs, read with the streaming parser: the file is large
     * (Llama 3's is 9 MB with 280,147 merges) and a full JSON tree of it is several times slower to build.
     */
    private static final class TokenizerJson {
        String modelType = "";
        final List<String> vocabTokens = new ArrayList<>();
        final List<Integer> vocabIds = new ArrayList<>();
        final List<String> merges = new ArrayList<>();
        JsonNode addedTokens = MissingNode.getInstance();
        JsonNode preTokenizer = MissingNode.getInstance();

        static TokenizerJson scan(ObjectMapper json, Path path) throws IOException {
            TokenizerJson out = new TokenizerJson();
            try (JsonParser p = json.getFactory().createParser(path.toFile())) {
                p.setCodec(json);
                expect(p, p.nextToken(), JsonToken.START_OBJECT, path, "top level");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "model" -> out.scanModel(p, value, path);
                        case "added_tokens" -> out.addedTokens = p.readValueAsTree();
                        case "pre_tokenizer" -> out.preTokenizer = p.readValueAsTree();
                        default -> p.skipChildren();
                    }
                }
            } catch (JacksonException e) {
                throw new IOException(
                        path + ": not valid JSON: " + e.getOriginalMessage()
                                + (e.getLocation() != null
                                        ? " at line " + e.getLocation().getLineNr() + ", column "
                                                + e.getLocation().getColumnNr()
                                        : ""),
                        e);
            }
            return out;
        }

        private void scanModel(JsonParser p, JsonToken start, Path path) throws IOException {
            expect(p, start, JsonToken.START_OBJECT, path, "model");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> modelType = p.getValueAsString("");
                    case "vocab" -> {
                        if (value != JsonToken.START_OBJECT) { // another model's vocabulary layout
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String token = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT
                                    || p.getLongValue() < 0
                                    || p.getLongValue() >= MAX_VOCABULARY)
                                throw error(
                                        path,
                                        "model.vocab",
                                        "token '" + token + "' has id " + p.getText() + ", not an id in 0.."
                                                + (MAX_VOCABULARY - 1) + " (line "
                                                + p.currentLocation().getLineNr() + ")");
                            vocabTokens.add(token);
                            vocabIds.add(p.getIntValue());
                        }
                    }
                    case "merges" -> {
                        expect(p, value, JsonToken.START_ARRAY, path, "model.merges");
                        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                            if (t == JsonToken.VALUE_STRING) merges.add(p.getText());
                            else if (t == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_STRING) {
                                String left = p.getText();
                                String right = p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                                if (right == null || p.nextToken() != JsonToken.END_ARRAY)
                                    throw error(
                                            path, "model.merges[" + merges.size() + "]", "not a pair [\"a\", \"b\"]");
                                merges.add(left + " " + right);
                            } else
                                throw error(
                                        path,
                                        "model.merges[" + merges.size() + "]",
                                        "neither \"a b\" nor [\"a\", \"b\"]");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        private static void expect(JsonParser p, JsonToken actual, JsonToken expected, Path path, String where)
                throws IOException {
            if (actual != expected)
                throw error(
                        path,
                        where,
                        "expected " + expected + " but found " + actual + " at line "
                                + p.currentLocation().getLineNr());
        }
    }

    private static JsonNode parse(ObjectMapper json, Path path) throws IOException {
        try {
            return json.readTree(path.toFile());
        } catch (JacksonException e) {
            throw new IOException(
                    path + ": not valid JSON: " + e.getOriginalMessage()
                            + (e.getLocation() != null
                                    ? " at line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr()
                                    : ""),
                    e);
        }
    }

    private static int id(Path path, String where, JsonNode node) throws IOException {
        if (!node.canConvertToInt() || node.asInt() < 0 || node.asInt() >= MAX_VOCABULARY)
            throw error(path, where, "token id " + node + " is not an id in 0.." + (MAX_VOCABULARY - 1));
        return node.asInt();
    }

    /** A config entry that is a token text or {"content": text}; the default when there is no config or entry. */
    private static int specialId(JsonNode config, String key, String dflt, Map<String, Integer> ids, Path configPath)
            throws IOException {
        JsonNode node = config != null ? config.path(key) : null;
        String text = node == null || node.isMissingNode() || node.isNull()
                ? dflt
                : node.isTextual() ? node.asText() : node.path("content").asText(dflt);
        Integer id = ids.get(text);
        if (id == null) throw error(configPath, key, "token '" + text + "' is not in the vocabulary");
        return id;
    }

    /** The template text: a string, or the one named "default" in a list of {name, template}. */
    private static String chatTemplate(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            for (JsonNode t : node)
                if ("default".equals(t.path("name").asText()))
                    return t.path("template").asText();
            if (!node.isEmpty()) return node.get(0).path("template").asText(null);
        }
        return null;
    }

    private static IOException error(Path path, String key, String problem) {
        return new IOException(path + ": " + key + ": " + problem);
    }
}
