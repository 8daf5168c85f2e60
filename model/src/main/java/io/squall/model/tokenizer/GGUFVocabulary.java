package io.squall.model.tokenizer;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;

import java.util.Arrays;

/** The {@code tokenizer.*} keys of a GGUF file: reading a {@link Vocabulary} from them and writing one to them. */
public final class GGUFVocabulary {
    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String BOS = "tokenizer.ggml.bos_token_id";
    public static final String EOS = "tokenizer.ggml.eos_token_id";
    public static final String UNK = "tokenizer.ggml.unknown_token_id";
    public static final String EOT = "tokenizer.ggml.eot_token_id";
    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    private GGUFVocabulary() {}

    /** Reads the vocabulary; missing or inconsistent keys give an IllegalArgumentException naming file and key. */
    public static Vocabulary read(GGUFFile gguf) {
        try {
            String model = gguf.getString(MODEL);
            boolean spm = model.equals(Vocabulary.SPM);
            String[] tokens = gguf.getStringArray(TOKENS);
            int[] types =
                    gguf.has(TOKEN_TYPE) ? gguf.getIntArray(TOKEN_TYPE) : filled(tokens.length, TokenType.NORMAL.id());
            float[] scores = gguf.has(SCORES) ? gguf.getFloatArray(SCORES) : null;
            String[] merges = gguf.has(MERGES) ? gguf.getStringArray(MERGES) : null;
            int bos = spm ? gguf.getInt(BOS, 1) : gguf.getInt(BOS);
            int eos = spm ? gguf.getInt(EOS, 2) : gguf.getInt(EOS);
            int unk = gguf.getInt(UNK, spm ? 0 : -1);
            return new Vocabulary(
                    model,
                    gguf.getString(PRE, null),
                    tokens,
                    scores,
                    types,
                    merges,
                    bos,
                    eos,
                    unk,
                    gguf.getInt(EOT, -1),
                    gguf.getBoolean(ADD_BOS, true),
                    gguf.getBoolean(ADD_EOS, false),
                    gguf.getBoolean(ADD_SPACE_PREFIX, spm),
                    gguf.getString(CHAT_TEMPLATE, null));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String name = String.valueOf(gguf.path() != null ? gguf.path() : gguf.name());
            throw new IllegalArgumentException(message.startsWith(name) ? message : name + ": " + message, e);
        }
    }

    /** Puts the vocabulary's keys (token ids as UINT32, token types as INT32, as llama.cpp writes them). */
    public static void write(Vocabulary v, GGUFWriter out) {
        out.putString(MODEL, v.model());
        if (v.pre() != null) out.putString(PRE, v.pre());
        out.putStringArray(TOKENS, v.tokens());
        if (v.scores() != null) out.putFloat32Array(SCORES, v.scores());
        out.putInt32Array(TOKEN_TYPE, v.types());
        if (v.merges() != null) out.putStringArray(MERGES, v.merges());
        out.putUInt32(BOS, v.bos());
        out.putUInt32(EOS, v.eos());
        if (v.unk() >= 0) out.putUInt32(UNK, v.unk());
        if (v.eot() >= 0) out.putUInt32(EOT, v.eot());
        out.putBool(ADD_BOS, v.addBos());
        out.putBool(ADD_EOS, v.addEos());
        out.putBool(ADD_SPACE_PREFIX, v.addSpacePrefix());
        if (v.chatTemplate() != null) out.putString(CHAT_TEMPLATE, v.chatTemplate());
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
