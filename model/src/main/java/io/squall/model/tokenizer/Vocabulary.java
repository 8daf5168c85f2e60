package io.squall.model.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tokenizer vocabulary as GGUF stores it under {@code tokenizer.ggml.*}: what the converters produce and
 * what {@link Tokenizer} is built from. Ids are indexes into {@code tokens}.
 *
 * @param model        {@code "llama"} (SentencePiece BPE with scores) or {@code "gpt2"} (byte-level BPE with merges)
 * @param pre          pre-tokenizer name for gpt2 vocabularies ({@code "llama-bpe"}), null for llama
 * @param tokens       token texts (SentencePiece pieces with U+2581 for space, or GPT-2 byte-level symbols)
 * @param scores       merge priority per token (llama), or null
 * @param types        {@link TokenType} ids per token
 * @param merges       "left right" merge rules by rank (gpt2), or null
 * @param eot          end-of-turn id or -1
 * @param chatTemplate Jinja chat template text or null
 */
public record Vocabulary(
        String model,
        String pre,
        String[] tokens,
        float[] scores,
        int[] types,
        String[] merges,
        int bos,
        int eos,
        int unk,
        int eot,
        boolean addBos,
        boolean addEos,
        boolean addSpacePrefix,
        String chatTemplate) {

    public static final String SPM = "llama";
    public static final String BPE = "gpt2";

    public Vocabulary {
        Objects.requireNonNull(model, "tokenizer.ggml.model");
        Objects.requireNonNull(tokens, "tokenizer.ggml.tokens");
        Objects.requireNonNull(types, "tokenizer.ggml.token_type");
        if (!model.equals(SPM) && !model.equals(BPE))
            throw new IllegalArgumentException(
                    "tokenizer.ggml.model: unsupported tokenizer model '" + model + "' (supported: llama, gpt2)");
        if (tokens.length == 0) throw new IllegalArgumentException("tokenizer.ggml.tokens: empty vocabulary");
        if (types.length != tokens.length)
            throw new IllegalArgumentException(
                    "tokenizer.ggml.token_type: " + types.length + " entries for " + tokens.length + " tokens");
        if (scores != null && scores.length != tokens.length)
            throw new IllegalArgumentException(
                    "tokenizer.ggml.scores: " + scores.length + " entries for " + tokens.length + " tokens");
        if (model.equals(SPM) && scores == null)
            throw new IllegalArgumentException("tokenizer.ggml.scores: required for a 'llama' vocabulary");
        if (model.equals(BPE) && merges == null)
            throw new IllegalArgumentException("tokenizer.ggml.merges: required for a 'gpt2' vocabulary");
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) throw new IllegalArgumentException("tokenizer.ggml.tokens[" + i + "] is null");
            TokenType.fromId(types[i]);
        }
        checkId("tokenizer.ggml.bos_token_id", bos, tokens.length, false);
        checkId("tokenizer.ggml.eos_token_id", eos, tokens.length, false);
        checkId("tokenizer.ggml.unknown_token_id", unk, tokens.length, true);
        checkId("tokenizer.ggml.eot_token_id", eot, tokens.length, true);
    }

    private static void checkId(String key, int id, int size, boolean optional) {
        if (optional && id == -1) return;
        if (id < 0 || id >= size)
            throw new IllegalArgumentException(key + ": id " + id + " outside the vocabulary of " + size + " tokens");
    }

    public int size() {
        return tokens.length;
    }

    public TokenType type(int id) {
        return TokenType.fromId(types[id]);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + model + (pre != null ? "/" + pre : "") + ", " + tokens.length + " tokens"
                + (merges != null ? ", " + merges.length + " merges" : "") + ", bos " + bos + ", eos " + eos + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v
                && model.equals(v.model)
                && Objects.equals(pre, v.pre)
                && Arrays.equals(tokens, v.tokens)
                && Arrays.equals(scores, v.scores)
                && Arrays.equals(types, v.types)
                && Arrays.equals(merges, v.merges)
                && bos == v.bos
                && eos == v.eos
                && unk == v.unk
                && eot == v.eot
                && addBos == v.addBos
                && addEos == v.addEos
                && addSpacePrefix == v.addSpacePrefix
                && Objects.equals(chatTemplate, v.chatTemplate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, Arrays.hashCode(tokens), bos, eos);
    }
}
