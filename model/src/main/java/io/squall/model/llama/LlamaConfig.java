package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.Dequantizer;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hyper-parameters of a Llama model (1, 2, 3, 3.1, 3.2), read from GGUF metadata ({@code llama.*} keys). Every
 * difference between the generations comes from here: head counts (grouped-query attention when
 * {@code kvHeads < heads}), RoPE dimension and base, Llama 3.1 frequency factors, epsilon, tied embeddings.
 *
 * @param ropeFreqFactors per-frequency divisors from {@code rope_freqs.weight} (Llama 3.1 scaling), or null
 */
public record LlamaConfig(int dim, int layers, int heads, int kvHeads, int headSize, int ffnDim, int ropeDims,
                          float ropeBase, float rmsEpsilon, int contextLength, int vocabSize, boolean tiedEmbeddings,
                          float[] ropeFreqFactors) {

    public static final String ARCHITECTURE = "llama";
    /** Largest context_length accepted (2^24 tokens): far above any Llama, far below what overflows a cache size. */
    public static final int MAX_CONTEXT_LENGTH = 1 << 24;
    static final String TOKEN_EMBEDDING = "token_embd.weight";
    private static final Pattern BLOCK_TENSOR = Pattern.compile("blk\\.(\\d{1,9})\\..*");
    static final String ROPE_FREQS = "rope_freqs.weight";
    static final String OUTPUT = "output.weight";

    public LlamaConfig {
        require(dim > 0 && layers > 0 && heads > 0 && kvHeads > 0 && ffnDim > 0 && contextLength > 0 && vocabSize > 0,
                "all sizes must be positive: " + summary(dim, layers, heads, kvHeads, ffnDim, contextLength, vocabSize));
        require(heads % kvHeads == 0, "attention.head_count " + heads + " is not a multiple of attention.head_count_kv " + kvHeads);
        require(headSize > 0 && headSize * heads == dim,
                "embedding_length " + dim + " is not attention.head_count " + heads + " x head size " + headSize);
        require(ropeDims > 0 && ropeDims % 2 == 0 && ropeDims <= headSize,
                "rope.dimension_count " + ropeDims + " must be even and at most the head size " + headSize);
        require(ropeBase > 0 && Float.isFinite(ropeBase), "rope.freq_base must be positive, got " + ropeBase);
        require(rmsEpsilon > 0 && Float.isFinite(rmsEpsilon), "attention.layer_norm_rms_epsilon must be positive, got " + rmsEpsilon);
        require(ropeFreqFactors == null || ropeFreqFactors.length == ropeDims / 2,
                ROPE_FREQS + " must have rope.dimension_count/2 = " + ropeDims / 2 + " elements, has "
                        + (ropeFreqFactors == null ? 0 : ropeFreqFactors.length));
    }

    /** Width of one layer's keys (and values): kvHeads x headSize. */
    public int kvDim() {
        return kvHeads * headSize;
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /**
     * Reads the configuration. Missing required keys, a non-llama architecture and inconsistent sizes give an
     * {@link IllegalArgumentException} naming the key or tensor.
     */
    public static LlamaConfig from(GGUFFile gguf) {
        try {
            return read(gguf);
        } catch (IllegalArgumentException e) {
            throw namingFile(gguf, e);
        }
    }

    /** {@code e}, its message starting with the file's name (most checks name it already). */
    static IllegalArgumentException namingFile(GGUFFile gguf, IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith(gguf.name() + ": ") ? e : new IllegalArgumentException(gguf.name() + ": " + m, e);
    }

    private static LlamaConfig read(GGUFFile gguf) {
        String arch = gguf.getString("general.architecture", ARCHITECTURE);
        if (!ARCHITECTURE.equals(arch)) {
            throw new IllegalArgumentException(gguf.name() + ": general.architecture is '" + arch + "'; Squall runs '" + ARCHITECTURE + "' models");
        }
        int dim = requiredInt(gguf, "llama.embedding_length");
        int layers = requiredInt(gguf, "llama.block_count");
        int ffnDim = requiredInt(gguf, "llama.feed_forward_length");
        int heads = requiredInt(gguf, "llama.attention.head_count");
        int kvHeads = gguf.getInt("llama.attention.head_count_kv", heads);
        require(heads > 0 && dim % heads == 0, "llama.embedding_length " + dim + " is not divisible by llama.attention.head_count " + heads);
        int headSize = dim / heads;
        int ropeDims = gguf.getInt("llama.rope.dimension_count", headSize);
        float ropeBase = gguf.getFloat("llama.rope.freq_base", 10000f);   // GGUF's documented default when absent
        float eps = gguf.has("llama.attention.layer_norm_rms_epsilon") ? gguf.getFloat("llama.attention.layer_norm_rms_epsilon")
                : failMissing(gguf, "llama.attention.layer_norm_rms_epsilon");
        int context = requiredInt(gguf, "llama.context_length");
        require(context <= MAX_CONTEXT_LENGTH, gguf.name() + ": llama.context_length = " + context + " is beyond the "
                + MAX_CONTEXT_LENGTH + " tokens Squall accepts");
        int vocab = vocabularySize(gguf);
        boolean tied = gguf.tensor(OUTPUT) == null;
        float[] freqFactors = null;
        TensorInfo freqs = gguf.tensor(ROPE_FREQS);
        if (freqs != null) {
            if (freqs.elementCount() != ropeDims / 2) {
                throw new IllegalArgumentException(gguf.name() + ": tensor " + ROPE_FREQS + " has shape " + Arrays.toString(freqs.dims())
                        + "; expected [" + ropeDims / 2 + "] (rope.dimension_count/2)");
            }
            freqFactors = new float[ropeDims / 2];
            Dequantizer.dequantize(freqs.type(), gguf.tensorData(freqs), 0, freqFactors, 0, freqFactors.length);
        }
        try {
            return new LlamaConfig(dim, layers, heads, kvHeads, headSize, ffnDim, ropeDims, ropeBase, eps, context, vocab, tied, freqFactors);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gguf.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The configuration of a file whose weights will be used: {@link #from} plus the hyper-parameters that size
     * anything (block count, embedding width, key/value heads, feed-forward width, vocabulary) checked against the
     * tensor table, so a corrupt value is a clear error naming the key and the file, never an enormous allocation.
     */
    public static LlamaConfig fromModelFile(GGUFFile gguf) {
        LlamaConfig c = from(gguf);
        c.checkAgainstTensors(gguf);
        return c;
    }

    private void checkAgainstTensors(GGUFFile gguf) {
        TreeSet<Integer> blocks = new TreeSet<>();   // at most one entry per tensor, whatever the names say
        for (TensorInfo t : gguf.tensors()) {
            Matcher m = BLOCK_TENSOR.matcher(t.name());
            if (m.matches()) {
                blocks.add(Integer.parseInt(m.group(1)));
            }
        }
        if (blocks.size() != layers || blocks.last() != layers - 1) {
            throw new IllegalArgumentException(gguf.name() + ": llama.block_count = " + layers + " but the tensor table has "
                    + (blocks.isEmpty() ? "no blk.N tensors" : blocks.size() + " blocks (blk.N for N in " + ranges(blocks) + ")"));
        }
        requireShape(gguf, TOKEN_EMBEDDING, dim, vocabSize, "llama.embedding_length", dim, "the vocabulary size", vocabSize);
        requireShape(gguf, "blk.0.attn_k.weight", dim, kvDim(), "llama.embedding_length", dim,
                "llama.attention.head_count_kv x head size", kvDim());
        requireShape(gguf, "blk.0.ffn_up.weight", dim, ffnDim, "llama.embedding_length", dim, "llama.feed_forward_length", ffnDim);
    }

    /** A 2-D tensor's shape [cols, rows] must be the hyper-parameters' (GGUF order, innermost first). */
    private static void requireShape(GGUFFile gguf, String tensor, long cols, long rows, String colsKey, long colsValue,
                                     String rowsKey, long rowsValue) {
        TensorInfo t = gguf.tensor(tensor);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": missing tensor " + tensor);
        }
        if (!Arrays.equals(t.dims(), new long[]{cols, rows})) {
            throw new IllegalArgumentException(gguf.name() + ": tensor " + tensor + " has shape " + Arrays.toString(t.dims())
                    + " but " + colsKey + " = " + colsValue + " and " + rowsKey + " = " + rowsValue + " make it [" + cols + ", " + rows + "]");
        }
    }

    /** Sorted numbers as ranges, e.g. "0..1, 5". */
    private static String ranges(TreeSet<Integer> numbers) {
        StringBuilder sb = new StringBuilder();
        Integer from = numbers.first();
        while (from != null) {
            int to = from;
            while (numbers.contains(to + 1)) {
                to++;
            }
            sb.append(sb.isEmpty() ? "" : ", ").append(from).append(to > from ? ".." + to : "");
            from = numbers.higher(to);
        }
        return sb.toString();
    }

    private static int vocabularySize(GGUFFile gguf) {
        if (gguf.has("tokenizer.ggml.tokens")) {
            return java.lang.reflect.Array.getLength(gguf.getArray("tokenizer.ggml.tokens").values());
        }
        if (gguf.has("llama.vocab_size")) {
            return gguf.getInt("llama.vocab_size");
        }
        throw new IllegalArgumentException(gguf.name() + ": missing metadata key tokenizer.ggml.tokens (the vocabulary)");
    }

    private static int requiredInt(GGUFFile gguf, String key) {
        if (!gguf.has(key)) {
            failMissing(gguf, key);
        }
        return gguf.getInt(key);
    }

    private static float failMissing(GGUFFile gguf, String key) {
        throw new IllegalArgumentException(gguf.name() + ": missing metadata key " + key + " (required for a llama model)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String summary(int dim, int layers, int heads, int kvHeads, int ffn, int ctx, int vocab) {
        return "embedding_length=" + dim + " block_count=" + layers + " head_count=" + heads + " head_count_kv=" + kvHeads
                + " feed_forward_length=" + ffn + " context_length=" + ctx + " vocab=" + vocab;
    }

    /** One line for logs and {@code llama info}. */
    public String describe() {
        return "dim " + dim + ", layers " + layers + ", heads " + heads + " (kv " + kvHeads + ", head size " + headSize + ")"
                + ", ffn " + ffnDim + ", rope dims " + ropeDims + " base " + ropeBase
                + (ropeFreqFactors != null ? " with rope_freqs scaling" : "") + ", rms eps " + rmsEpsilon
                + ", context " + contextLength + ", vocab " + vocabSize + (tiedEmbeddings ? ", tied embeddings" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaConfig c && dim == c.dim && layers == c.layers && heads == c.heads && kvHeads == c.kvHeads
                && headSize == c.headSize && ffnDim == c.ffnDim && ropeDims == c.ropeDims && ropeBase == c.ropeBase
                && rmsEpsilon == c.rmsEpsilon && contextLength == c.contextLength && vocabSize == c.vocabSize
                && tiedEmbeddings == c.tiedEmbeddings && Arrays.equals(ropeFreqFactors, c.ropeFreqFactors);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(dim, layers, heads, kvHeads, ffnDim, contextLength, vocabSize) * 31 + Arrays.hashCode(ropeFreqFactors);
    }
}
