package io.squall.model.tokenizer.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.model.tokenizer.TokenType;
import io.squall.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
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
        JsonNode root = parse(json, tokenizerJson);
        JsonNode config = configJson != null ? parse(json, configJson) : null;

        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()))
            throw error(tokenizerJson, "model.type", "'" + model.path("type").asText() + "' is not BPE");
        if (root.path("pre_tokenizer").findValues("Regex").stream().noneMatch(r -> LLAMA3_PATTERN.equals(r.asText())))
            throw error(tokenizerJson, "pre_tokenizer", "not the Llama 3 split pattern; only llama-bpe is supported");

        JsonNode vocab = model.path("vocab");
        JsonNode added = root.path("added_tokens");
        if (!vocab.isObject()) throw error(tokenizerJson, "model.vocab", "missing or not an object");
        int size = 0;
        for (Map.Entry<String, JsonNode> e : vocab.properties()) size = Math.max(size, id(tokenizerJson, "model.vocab", e.getValue()) + 1);
        for (JsonNode a : added) size = Math.max(size, id(tokenizerJson, "added_tokens", a.path("id")) + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            int id = e.getValue().asInt();
            tokens[id] = e.getKey();
            types[id] = TokenType.NORMAL.id();
        }
        for (JsonNode a : added) {
            int id = a.path("id").asInt();
            if (!a.path("content").isTextual()) throw error(tokenizerJson, "added_tokens", "token " + id + " has no content");
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean(false) ? TokenType.CONTROL.id() : TokenType.USER_DEFINED.id();
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED.id();
            }
        }

        JsonNode mergesNode = model.path("merges");
        if (!mergesNode.isArray()) throw error(tokenizerJson, "model.merges", "missing or not an array");
        String[] merges = new String[mergesNode.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode m = mergesNode.get(i);
            if (m.isTextual()) merges[i] = m.asText();
            else if (m.isArray() && m.size() == 2) merges[i] = m.get(0).asText() + " " + m.get(1).asText();
            else throw error(tokenizerJson, "model.merges[" + i + "]", "neither \"a b\" nor [\"a\", \"b\"]");
        }

        Map<String, Integer> ids = new java.util.HashMap<>();
        for (int id = 0; id < size; id++) ids.putIfAbsent(tokens[id], id);
        int bos = specialId(config, "bos_token", "<|begin_of_text|>", ids, configJson);
        int eos = specialId(config, "eos_token", "<|end_of_text|>", ids, configJson);
        int eot = ids.getOrDefault("<|eot_id|>", -1);
        boolean addBos = config == null || config.path("add_bos_token").asBoolean(true);
        boolean addEos = config != null && config.path("add_eos_token").asBoolean(false);
        String template = config != null ? chatTemplate(config.path("chat_template")) : null;
        return new Vocabulary(Vocabulary.BPE, "llama-bpe", tokens, null, types, merges, bos, eos, -1, eot,
                addBos, addEos, false, template);
    }

    private static JsonNode parse(ObjectMapper json, Path path) throws IOException {
        try {
            return json.readTree(path.toFile());
        } catch (JacksonException e) {
            throw new IOException(path + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() : ""), e);
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
        String text = node == null || node.isMissingNode() || node.isNull() ? dflt
                : node.isTextual() ? node.asText() : node.path("content").asText(dflt);
        Integer id = ids.get(text);
        if (id == null) throw error(configPath, key, "token '" + text + "' is not in the vocabulary");
        return id;
    }

    /** The template text: a string, or the one named "default" in a list of {name, template}. */
    private static String chatTemplate(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            for (JsonNode t : node) if ("default".equals(t.path("name").asText())) return t.path("template").asText();
            if (!node.isEmpty()) return node.get(0).path("template").asText(null);
        }
        return null;
    }

    private static IOException error(Path path, String key, String problem) {
        return new IOException(path + ": " + key + ": " + problem);
    }
}
