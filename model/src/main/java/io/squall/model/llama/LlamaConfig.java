package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.Dequantizer;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hyper-parameters of a Llama model (1, 2, 3, 3.1, 3.2, and the Llama-architecture models of others: TinyLlama,
 * Mistral 7B, CodeLlama, SmolLM2, Vicuna), read from GGUF metadata ({@code <architecture>.*} keys). Every
 * difference between them comes from here: head counts (grouped-query attention when {@code kvHeads < heads}),
 * RoPE dimension, base and scaling (Llama 3.1 frequency factors, linear, YaRN), epsilon, tied embeddings.
 *
 * @param ropeFreqFactors per-frequency divisors from {@code rope_freqs.weight} (Llama 3.1 scaling), or null
 * @param ropeScaling {@code rope.scaling.*} (linear or YaRN position scaling), or null for none
 * @param slidingWindow {@code attention.sliding_window}, 0 when absent: reported, not applied (llama.cpp's llama
 *                      graph attends to the whole context too, so results match it)
 */
public record LlamaConfig(
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headSize,
        int ffnDim,
        int ropeDims,
        float ropeBase,
        float rmsEpsilon,
        int contextLength,
        int vocabSize,
        boolean tiedEmbeddings,
        float[] ropeFreqFactors,
        RopeScaling ropeScaling,
        int slidingWindow) {

    public static final String ARCHITECTURE = "llama";
    /** Largest context_length accepted (2^24 tokens): far above any Llama, far below what overflows a cache size. */
    public static final int MAX_CONTEXT_LENGTH = 1 << 24;

    public static final String TOKEN_EMBEDDING = "token_embd.weight";
    private static final Pattern BLOCK_TENSOR = Pattern.compile("blk\\.(\\d{1,9})\\..*");
    /**
     * general.architecture values whose models are llama.cpp's llama graph under another name (keys prefixed with
     * that name): "mistral" as some converters label Mistral 7B.
     */
    public static final java.util.Set<String> ARCHITECTURES = java.util.Set.of("llama", "mistral");

    /**
     * Position scaling of RoPE as llama.cpp applies it to the llama architecture (ggml's rope_yarn): LINEAR divides
     * every angle by {@code factor}; YARN interpolates the low frequencies (angle / factor), keeps the high ones and
     * ramps between the correction dimensions of beta_fast = 32 and beta_slow = 1 rotations over the original
     * context, and scales cos and sin by attnFactor * (1 + 0.1 ln factor).
     */
    public record RopeScaling(Type type, float factor, int originalContextLength, float attnFactor) {
        public enum Type {
            LINEAR,
            YARN
        }

        public RopeScaling {
            if (!(factor > 0) || !Float.isFinite(factor)) {
                throw new IllegalArgumentException("rope.scaling.factor must be positive, got " + factor);
            }
            if (type == Type.YARN && originalContextLength <= 0) {
                throw new IllegalArgumentException("YaRN rope scaling needs rope.scaling.original_context_length > 0");
            }
        }
    }

    /** The configuration without position scaling or sliding window. */
    public LlamaConfig(
            int dim,
            int layers,
            int heads,
            int kvHeads,
            int headSize,
            int ffnDim,
            int ropeDims,
            float ropeBase,
            float rmsEpsilon,
            int contextLength,
            int vocabSize,
            boolean tiedEmbeddings,
            float[] ropeFreqFactors) {
        this(
                dim,
                layers,
                heads,
                kvHeads,
                headSize,
                ffnDim,
                ropeDims,
                ropeBase,
                rmsEpsilon,
                contextLength,
                vocabSize,
                tiedEmbeddings,
                ropeFreqFactors,
                null,
                0);
    }

    /**
     * Per rotated pair i, the angle per position: base^(-2i/ropeDims), divided by rope_freqs' factor, then scaled as
     * {@link #ropeScaling} says. Angles are linear in the position, so YaRN's mix of interpolated and extrapolated
     * angles is too.
     */
    public double[] ropeInverseFrequencies() {
        int half = ropeDims / 2;
        double[] out = new double[half];
        double low = 0;
        double high = 0;
        if (ropeScaling != null && ropeScaling.type() == RopeScaling.Type.YARN) {
            low = Math.max(0, Math.floor(yarnCorrectionDim(32)));
            high = Math.min(ropeDims - 1, Math.ceil(yarnCorrectionDim(1)));
        }
        for (int i = 0; i < half; i++) {
            double f = Math.pow(ropeBase, -2.0 * i / ropeDims);
            if (ropeFreqFactors != null) {
                f /= ropeFreqFactors[i]; // llama.cpp divides by the factor
            }
            if (ropeScaling != null) {
                double interpolated = f / ropeScaling.factor();
                if (ropeScaling.type() == RopeScaling.Type.YARN) {
                    double ramp = 1 - Math.min(1, Math.max(0, (i - low) / Math.max(0.001, high - low)));
                    f = interpolated * (1 - ramp) + f * ramp;
                } else {
                    f = interpolated;
                }
            }
            out[i] = f;
        }
        return out;
    }

    /** The factor on RoPE's cos and sin: 1, or YaRN's attnFactor * (1 + 0.1 ln factor). */
    public float ropeMagnitude() {
        if (ropeScaling == null || ropeScaling.type() != RopeScaling.Type.YARN) {
            return 1f;
        }
        return (float) (ropeScaling.attnFactor() * (1 + 0.1 * Math.log(ropeScaling.factor())));
    }

    /** The dimension index at which a frequency turns {@code rotations} times over the original context (ggml). */
    private double yarnCorrectionDim(double rotations) {
        return ropeDims
                * Math.log(ropeScaling.originalContextLength() / (rotations * 2 * Math.PI))
                / (2 * Math.log(ropeBase));
    }

    static final String ROPE_FREQS = "rope_freqs.weight";
    static final String OUTPUT = "output.weight";

    /** The classifier's tensor: output.weight, or the token embedding when the model ties them. */
    public String outputTensor() {
        return tiedEmbeddings ? TOKEN_EMBEDDING : OUTPUT;
    }

    public LlamaConfig {
        require(
                dim > 0 && layers > 0 && heads > 0 && kvHeads > 0 && ffnDim > 0 && contextLength > 0 && vocabSize > 0,
                "all sizes must be positive: "
                        + summary(dim, layers, heads, kvHeads, ffnDim, contextLength, vocabSize));
        require(
                heads % kvHeads == 0,
                "attention.head_count " + heads + " is not a multiple of attention.head_count_kv " + kvHeads);
        require(
                headSize > 0 && headSize * heads == dim,
                "embedding_length " + dim + " is not attention.head_count " + heads + " x head size " + headSize);
        require(
                ropeDims > 0 && ropeDims % 2 == 0 && ropeDims <= headSize,
                "rope.dimension_count " + ropeDims + " must be even and at most the head size " + headSize);
        require(ropeBase > 0 && Float.isFinite(ropeBase), "rope.freq_base must be positive, got " + ropeBase);
        require(
                rmsEpsilon > 0 && Float.isFinite(rmsEpsilon),
                "attention.layer_norm_rms_epsilon must be positive, got " + rmsEpsilon);
        require(
                ropeFreqFactors == null || ropeFreqFactors.length == ropeDims / 2,
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
        if (!ARCHITECTURE.equals(arch) && !ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException(gguf.name() + ": general.architecture is '" + arch + "'; Squall runs "
                    + String.join(", ", new java.util.TreeSet<>(ARCHITECTURES)) + " models");
        }
        String a = arch + ".";
        int dim = requiredInt(gguf, a + "embedding_length");
        int layers = requiredInt(gguf, a + "block_count");
        int ffnDim = requiredInt(gguf, a + "feed_forward_length");
        int heads = requiredInt(gguf, a + "attention.head_count");
        int kvHeads = gguf.getInt(a + "attention.head_count_kv", heads);
        require(
                heads > 0 && dim % heads == 0,
                a + "embedding_length " + dim + " is not divisible by " + a + "attention.head_count " + heads);
        int headSize = dim / heads;
        int ropeDims = gguf.getInt(a + "rope.dimension_count", headSize);
        float ropeBase = gguf.getFloat(a + "rope.freq_base", 10000f); // GGUF's documented default when absent
        float eps = gguf.has(a + "attention.layer_norm_rms_epsilon")
                ? gguf.getFloat(a + "attention.layer_norm_rms_epsilon")
                : failMissing(gguf, a + "attention.layer_norm_rms_epsilon");
        int context = requiredInt(gguf, a + "context_length");
        RopeScaling scaling;
        try {
            scaling = ropeScaling(gguf, a, context);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gguf.name() + ": " + e.getMessage(), e);
        }
        int slidingWindow = gguf.getInt(a + "attention.sliding_window", 0);
        require(
                context <= MAX_CONTEXT_LENGTH,
                gguf.name() + ": " + a + "context_length = " + context + " is beyond the " + MAX_CONTEXT_LENGTH
                        + " tokens Squall accepts");
        int vocab = vocabularySize(gguf);
        boolean tied = gguf.tensor(OUTPUT) == null;
        float[] freqFactors = null;
        TensorInfo freqs = gguf.tensor(ROPE_FREQS);
        if (freqs != null) {
            if (freqs.elementCount() != ropeDims / 2) {
                throw new IllegalArgumentException(gguf.name() + ": tensor " + ROPE_FREQS + " has shape "
                        + Arrays.toString(freqs.dims()) + "; expected [" + ropeDims / 2 + "] (rope.dimension_count/2)");
            }
            freqFactors = new float[ropeDims / 2];
            Dequantizer.dequantize(freqs.type(), gguf.tensorData(freqs), 0, freqFactors, 0, freqFactors.length);
        }
        try {
            return new LlamaConfig(
                    dim,
                    layers,
                    heads,
                    kvHeads,
                    headSize,
                    ffnDim,
                    ropeDims,
                    ropeBase,
                    eps,
                    context,
                    vocab,
                    tied,
                    freqFactors,
                    scaling,
                    slidingWindow);
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
        TreeSet<Integer> blocks = new TreeSet<>(); // at most one entry per tensor, whatever the names say
        for (TensorInfo t : gguf.tensors()) {
            Matcher m = BLOCK_TENSOR.matcher(t.name());
            if (m.matches()) {
                blocks.add(Integer.parseInt(m.group(1)));
            }
        }
        if (blocks.size() != layers || blocks.last() != layers - 1) {
            throw new IllegalArgumentException(
                    gguf.name() + ": llama.block_count = " + layers + " but the tensor table has "
                            + (blocks.isEmpty()
                                    ? "no blk.N tensors"
                                    : blocks.size() + " blocks (blk.N for N in " + ranges(blocks) + ")"));
        }
        requireShape(
                gguf, TOKEN_EMBEDDING, dim, vocabSize, "llama.embedding_length", dim, "the vocabulary size", vocabSize);
        requireShape(
                gguf,
                "blk.0.attn_k.weight",
                dim,
                kvDim(),
                "llama.embedding_length",
                dim,
                "llama.attention.head_count_kv x head size",
                kvDim());
        requireShape(
                gguf,
                "blk.0.ffn_up.weight",
                dim,
                ffnDim,
                "llama.embedding_length",
                dim,
                "llama.feed_forward_length",
                ffnDim);
    }

    /** A 2-D tensor's shape [cols, rows] must be the hyper-parameters' (GGUF order, innermost first). */
    private static void requireShape(
            GGUFFile gguf,
            String tensor,
            long cols,
            long rows,
            String colsKey,
            long colsValue,
            String rowsKey,
            long rowsValue) {
        TensorInfo t = gguf.tensor(tensor);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": missing tensor " + tensor);
        }
        if (!Arrays.equals(t.dims(), new long[] {cols, rows})) {
            throw new IllegalArgumentException(gguf.name() + ": tensor " + tensor + " has shape "
                    + Arrays.toString(t.dims()) + " but " + colsKey + " = " + colsValue + " and " + rowsKey + " = "
                    + rowsValue + " make it [" + cols + ", " + rows + "]");
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

    /**
     * As llama.cpp reads them for llama: rope.scaling.factor (or the older rope.scale_linear) with rope.scaling.type
     * linear (the default), none (the factor still applies, as in llama.cpp) or yarn; llama3 scaling comes as the
     * rope_freqs tensor instead; longrope is Phi-3's and refused.
     */
    private static RopeScaling ropeScaling(GGUFFile gguf, String a, int context) {
        float factor = gguf.has(a + "rope.scaling.factor")
                ? gguf.getFloat(a + "rope.scaling.factor")
                : gguf.getFloat(a + "rope.scale_linear", 0f);
        String type = gguf.getString(a + "rope.scaling.type", "linear");
        if (factor == 0f || factor == 1f && !type.equals("yarn")) {
            return null;
        }
        return switch (type) {
            case "linear", "none" -> new RopeScaling(RopeScaling.Type.LINEAR, factor, 0, 1f);
            case "yarn" ->
                new RopeScaling(
                        RopeScaling.Type.YARN,
                        factor,
                        gguf.getInt(a + "rope.scaling.original_context_length", context),
                        gguf.getFloat(a + "rope.scaling.attn_factor", 1f));
            default ->
                throw new IllegalArgumentException(
                        a + "rope.scaling.type '" + type
                                + "' is not supported for llama models (supported: none, linear, yarn; llama3 scaling comes as rope_freqs.weight)");
        };
    }

    private static int vocabularySize(GGUFFile gguf) {
        if (gguf.has("tokenizer.ggml.tokens")) {
            return java.lang.reflect.Array.getLength(
                    gguf.getArray("tokenizer.ggml.tokens").values());
        }
        String key = gguf.getString("general.architecture", ARCHITECTURE) + ".vocab_size";
        if (gguf.has(key)) {
            return gguf.getInt(key);
        }
        throw new IllegalArgumentException(
                gguf.name() + ": missing metadata key tokenizer.ggml.tokens (the vocabulary)");
    }

    private static int requiredInt(GGUFFile gguf, String key) {
        if (!gguf.has(key)) {
            failMissing(gguf, key);
        }
        return gguf.getInt(key);
    }

    private static float failMissing(GGUFFile gguf, String key) {
        throw new IllegalArgumentException(
                gguf.name() + ": missing metadata key " + key + " (required for a llama model)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String summary(int dim, int layers, int heads, int kvHeads, int ffn, int ctx, int vocab) {
        return "embedding_length=" + dim + " block_count=" + layers + " head_count=" + heads + " head_count_kv="
                + kvHeads + " feed_forward_length=" + ffn + " context_length=" + ctx + " vocab=" + vocab;
    }

    /** One line for logs and {@code llama info}. */
    public String describe() {
        return "dim " + dim + ", layers " + layers + ", heads " + heads + " (kv " + kvHeads + ", head size " + headSize
                + ")"
                + ", ffn " + ffnDim + ", rope dims " + ropeDims + " base " + ropeBase
                + (ropeFreqFactors != null ? " with rope_freqs scaling" : "")
                + (ropeScaling != null
                        ? " scaled " + ropeScaling.type().name().toLowerCase(java.util.Locale.ROOT) + " x"
                                + ropeScaling.factor()
                                + (ropeScaling.type() == RopeScaling.Type.YARN
                                        ? " (original context " + ropeScaling.originalContextLength() + ")"
                                        : "")
                        : "")
                + ", rms eps " + rmsEpsilon + ", context " + contextLength
                + (slidingWindow > 0
                        ? " (sliding window " + slidingWindow + " in the file, not applied, as in llama.cpp)"
                        : "")
                + ", vocab " + vocabSize + (tiedEmbeddings ? ", tied embeddings" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaConfig c
                && dim == c.dim
                && layers == c.layers
                && heads == c.heads
                && kvHeads == c.kvHeads
                && headSize == c.headSize
                && ffnDim == c.ffnDim
                && ropeDims == c.ropeDims
                && ropeBase == c.ropeBase
                && rmsEpsilon == c.rmsEpsilon
                && contextLength == c.contextLength
                && vocabSize == c.vocabSize
                && tiedEmbeddings == c.tiedEmbeddings
                && Arrays.equals(ropeFreqFactors, c.ropeFreqFactors)
                && java.util.Objects.equals(ropeScaling, c.ropeScaling)
                && slidingWindow == c.slidingWindow;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(dim, layers, heads, kvHeads, ffnDim, contextLength, vocabSize) * 31
                + Arrays.hashCode(ropeFreqFactors);
    }
}
