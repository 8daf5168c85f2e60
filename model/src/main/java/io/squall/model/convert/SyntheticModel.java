package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.Threads;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Writes a Llama-shaped GGUF of any size and tensor type with seeded random weights, for tests and benchmarks.
 * Weights are N(0, 1/sqrt(cols)) (output projections further divided by sqrt(2 * layers), the embedding 0.02) and
 * norms 1, so activations stay of order one through the layers. Tensors are generated, encoded and written piece
 * by piece, so a 1B model never sits in memory. The vocabulary comes from a GGUF whose {@code tokenizer.*} keys are copied.
 */
public final class SyntheticModel {

    private SyntheticModel() {}

    /** Llama 3.1-style frequency scaling, written as llama.cpp does: a {@code rope_freqs.weight} tensor of per-pair factors. */
    public record Llama3RopeScaling(
            float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength) {

        /** The divisor of each rotation frequency, for head size {@code headSize} (headSize / 2 values). */
        public float[] frequencyFactors(int headSize, float ropeBase) {
            float[] out = new float[headSize / 2];
            double lowWavelen = originalContextLength / lowFreqFactor;
            double highWavelen = originalContextLength / highFreqFactor;
            for (int i = 0; i < out.length; i++) {
                double freq = 1.0 / Math.pow(ropeBase, 2.0 * i / headSize);
                double wavelen = 2 * Math.PI / freq;
                if (wavelen < highWavelen) {
                    out[i] = 1f;
                } else if (wavelen > lowWavelen) {
                    out[i] = factor;
                } else {
                    double smooth =
                            (originalContextLength / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
                }
            }
            return out;
        }
    }

    /** The model's shape. {@code vocabSize} is replaced by the vocabulary's size when one is given. */
    public record Spec(
            String name,
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocabSize,
            float ropeBase,
            int contextLength,
            float rmsEpsilon,
            boolean tiedEmbeddings,
            Llama3RopeScaling ropeScaling) {

        public Spec {
            if (dim <= 0
                    || hiddenDim <= 0
                    || layers <= 0
                    || heads <= 0
                    || kvHeads <= 0
                    || vocabSize <= 0
                    || contextLength <= 0) {
                throw new IllegalArgumentException("every dimension must be positive: " + this);
            }
            if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
                throw new IllegalArgumentException("dim " + dim + " must split into " + heads
                        + " heads of even size, and heads be a multiple of kv heads " + kvHeads);
            }
            if (!(ropeBase > 0) || !(rmsEpsilon > 0)) {
                throw new IllegalArgumentException("rope base and rms epsilon must be positive");
            }
        }

        public int headSize() {
            return dim / heads;
        }

        public int kvDim() {
            return headSize() * kvHeads;
        }

        public Spec withVocabSize(int v) {
            return new Spec(
                    name,
                    dim,
                    hiddenDim,
                    layers,
                    heads,
                    kvHeads,
                    v,
                    ropeBase,
                    contextLength,
                    rmsEpsilon,
                    tiedEmbeddings,
                    ropeScaling);
        }

        /** Number of weights (parameters). */
        public long parameterCount() {
            long d = dim, l = layers;
            long perLayer = 2 * d + 2 * d * d + 2 * d * kvDim() + 3 * d * hiddenDim;
            return d * vocabSize * (tiedEmbeddings ? 1 : 2) + l * perLayer + d;
        }
    }

    /** Presets: llama3.2-1b (Llama 3.2 1B's shape), tiny (GQA, tied), tiny-untied (separate classifier), small (~60M). */
    public static final Map<String, Spec> PRESETS = Map.of(
            "llama3.2-1b",
                    new Spec(
                            "synthetic-llama3.2-1b",
                            2048,
                            8192,
                            16,
                            32,
                            8,
                            128256,
                            500000f,
                            131072,
                            1e-5f,
                            true,
                            new Llama3RopeScaling(32f, 1f, 4f, 8192)),
            "tiny", new Spec("synthetic-tiny", 256, 512, 2, 8, 2, 512, 10000f, 512, 1e-5f, true, null),
            "tiny-untied",
                    new Spec(
                            "synthetic-tiny-untied",
                            256,
                            768,
                            2,
                            4,
                            4,
                            512,
                            10000f,
                            256,
                            1e-5f,
                            false,
                            new Llama3RopeScaling(8f, 1f, 4f, 64)),
            "small", new Spec("synthetic-small", 512, 1536, 8, 8, 4, 32000, 10000f, 2048, 1e-5f, false, null));

    public static Spec preset(String name) {
        Spec s = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())));
        }
        return s;
    }

    /**
     * Which type each tensor gets: one type for every matrix ({@code --type q5_k}: like llama-quantize --pure), or one
     * of llama-quantize's K mixes (Q2_K, Q3_K_S/M/L, Q4_K_S/M, Q5_K_S/M). Norms and rope_freqs stay F32.
     */
    public record TypeScheme(String name, GGMLType base, Mix mix) {

        /**
         * llama-quantize's mixes for a dense Llama (llama_tensor_get_type, simplified: no experts, no 70B or Falcon
         * cases, no importance matrix): the classifier (or the tied embedding) is Q6_K, and attn_v, ffn_down and
         * attn_output get more bits in the layers llama.cpp picks. {@code fileType} is general.file_type (LLAMA_FTYPE_*).
         */
        public enum Mix {
            NONE(-1),
            Q2_K(10),
            Q3_K_S(11),
            Q3_K_M(12),
            Q3_K_L(13),
            Q4_K_S(14),
            Q4_K_M(15),
            Q5_K_S(16),
            Q5_K_M(17);

            final int fileType;

            Mix(int fileType) {
                this.fileType = fileType;
            }

            GGMLType base() {
                return switch (this) {
                    case NONE -> throw new IllegalStateException("no mix");
                    case Q2_K -> GGMLType.Q2_K;
                    case Q3_K_S, Q3_K_M, Q3_K_L -> GGMLType.Q3_K;
                    case Q4_K_S, Q4_K_M -> GGMLType.Q4_K;
                    case Q5_K_S, Q5_K_M -> GGMLType.Q5_K;
                };
            }
        }

        /** Mix names as llama-quantize spells them (any case); llama-quantize's Q2_K mix is {@code q2_k_mix}. */
        public static TypeScheme parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            for (Mix m : Mix.values()) {
                if (m != Mix.NONE && (n.equals(m.name()) && m.name().length() > 4 || n.equals(m.name() + "_MIX"))) {
                    return new TypeScheme(name.trim().toLowerCase(Locale.ROOT), m.base(), m);
                }
            }
            GGMLType t = TensorEncoding.parseType(name);
            return new TypeScheme(t.name().toLowerCase(Locale.ROOT), t, Mix.NONE);
        }

        /** The mix's type for a tensor; {@code layer} is -1 outside the blocks, {@code gqa} heads per kv head. */
        GGMLType typeOf(String tensor, int layer, int layers, int gqa, boolean tied, long ne0) {
            GGMLType t = base;
            if (mix != Mix.NONE) {
                boolean moreBits =
                        layer >= 0 && (layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2);
                if (tensor.equals("output.weight") || (tied && tensor.equals("token_embd.weight"))) {
                    t = GGMLType.Q6_K;
                } else if (tensor.endsWith("attn_v.weight")) {
                    t = switch (mix) {
                        case Q2_K -> gqa >= 4 ? GGMLType.Q4_K : GGMLType.Q3_K;
                        case Q3_K_M -> layer < 2 ? GGMLType.Q5_K : GGMLType.Q4_K;
                        case Q3_K_L -> GGMLType.Q5_K;
                        case Q4_K_M, Q5_K_M -> moreBits ? GGMLType.Q6_K : base;
                        case Q4_K_S -> layer < 4 ? GGMLType.Q5_K : base;
                        default -> base;
                    };
                } else if (tensor.endsWith("ffn_down.weight")) {
                    t = switch (mix) {
                        case Q2_K -> GGMLType.Q3_K;
                        case Q3_K_M -> layer < layers / 16 ? GGMLType.Q5_K : GGMLType.Q4_K;
                        case Q3_K_L -> GGMLType.Q5_K;
                        case Q4_K_M, Q5_K_M -> moreBits ? GGMLType.Q6_K : base;
                        case Q4_K_S -> layer < layers / 8 ? GGMLType.Q5_K : base;
                        default -> base;
                    };
                } else if (tensor.endsWith("attn_output.weight")) {
                    t = switch (mix) {
                        case Q2_K -> GGMLType.Q3_K;
                        case Q3_K_M -> GGMLType.Q4_K;
                        case Q3_K_L -> GGMLType.Q5_K;
                        default -> base;
                    };
                }
            }
            return TensorEncoding.fitting(t, ne0);
        }

        int fileType() {
            return mix != Mix.NONE ? mix.fileType : TensorEncoding.fileType(base);
        }
    }

    /**
     * Writes the model. {@code vocabulary} (nullable) supplies the tokenizer keys and the vocabulary size; without
     * one the file has {@code spec.vocabSize()} rows and no tokenizer (usable for tensor-level tests only).
     */
    public static Spec write(
            Spec spec, TypeScheme types, GGUFFile vocabulary, long seed, Path out, Consumer<String> progress)
            throws IOException {
        if (vocabulary != null) {
            if (!vocabulary.has("tokenizer.ggml.tokens")) {
                throw new IllegalArgumentException(
                        vocabulary.name() + ": no tokenizer.ggml.tokens: not a vocabulary GGUF");
            }
            int n = vocabulary.getArray("tokenizer.ggml.tokens").length();
            if (n != spec.vocabSize()) {
                progress.accept("vocabulary " + vocabulary.name() + " has " + n + " tokens: using vocab size " + n
                        + " instead of " + spec.vocabSize());
                spec = spec.withVocabSize(n);
            }
        }
        GGUFWriter w = new GGUFWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", spec.name() + "-" + types.name());
        w.putUInt32("general.file_type", types.fileType());
        w.putUInt32("llama.context_length", spec.contextLength());
        w.putUInt32("llama.embedding_length", spec.dim());
        w.putUInt32("llama.block_count", spec.layers());
        w.putUInt32("llama.feed_forward_length", spec.hiddenDim());
        w.putUInt32("llama.attention.head_count", spec.heads());
        w.putUInt32("llama.attention.head_count_kv", spec.kvHeads());
        w.putUInt32("llama.rope.dimension_count", spec.headSize());
        w.putFloat32("llama.rope.freq_base", spec.ropeBase());
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", spec.rmsEpsilon());
        w.putUInt32("llama.vocab_size", spec.vocabSize());
        if (spec.ropeScaling() != null) {
            // Informational (llama.cpp applies the scaling through rope_freqs.weight and ignores these keys).
            w.putFloat32("squall.rope.llama3.factor", spec.ropeScaling().factor());
            w.putFloat32(
                    "squall.rope.llama3.low_freq_factor", spec.ropeScaling().lowFreqFactor());
            w.putFloat32(
                    "squall.rope.llama3.high_freq_factor", spec.ropeScaling().highFreqFactor());
            w.putUInt32(
                    "squall.rope.llama3.original_context_length",
                    spec.ropeScaling().originalContextLength());
        }
        w.putUInt64("squall.synthetic.seed", seed);
        boolean quantized = false;
        if (vocabulary != null) {
            w.putAll(vocabulary, "tokenizer.");
        }

        Spec s = spec;
        long d = s.dim(), h = s.hiddenDim(), kv = s.kvDim(), v = s.vocabSize();
        double embStd = 0.02;
        double inStd = 1 / Math.sqrt(d);
        double residualScale = 1 / Math.sqrt(2.0 * s.layers());
        if (s.ropeScaling() != null) {
            w.addTensor(
                    "rope_freqs.weight",
                    GGMLType.F32,
                    new long[] {s.headSize() / 2},
                    TensorEncoding.encode(GGMLType.F32, s.ropeScaling().frequencyFactors(s.headSize(), s.ropeBase())));
        }
        quantized |= matrix(w, types, s, "token_embd.weight", -1, v, d, embStd, seed);
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            ones(w, p + "attn_norm.weight", d);
            quantized |= matrix(w, types, s, p + "attn_q.weight", l, d, d, inStd, seed);
            quantized |= matrix(w, types, s, p + "attn_k.weight", l, kv, d, inStd, seed);
            quantized |= matrix(w, types, s, p + "attn_v.weight", l, kv, d, inStd, seed);
            quantized |= matrix(w, types, s, p + "attn_output.weight", l, d, d, inStd * residualScale, seed);
            ones(w, p + "ffn_norm.weight", d);
            quantized |= matrix(w, types, s, p + "ffn_gate.weight", l, h, d, inStd, seed);
            quantized |= matrix(w, types, s, p + "ffn_down.weight", l, d, h, residualScale / Math.sqrt(h), seed);
            quantized |= matrix(w, types, s, p + "ffn_up.weight", l, h, d, inStd, seed);
        }
        ones(w, "output_norm.weight", d);
        if (!s.tiedEmbeddings()) {
            quantized |= matrix(w, types, s, "output.weight", -1, v, d, inStd, seed);
        }
        if (quantized) {
            w.putUInt32("general.quantization_version", 2);
        }
        progress.accept(String.format(
                "writing %s: %,d parameters, dim %d, hidden %d, %d layers, %d/%d heads, vocab %d, %s",
                out,
                s.parameterCount(),
                s.dim(),
                s.hiddenDim(),
                s.layers(),
                s.heads(),
                s.kvHeads(),
                s.vocabSize(),
                types.name()));
        long start = System.nanoTime();
        w.progress((name, i, n, bytes) -> progress.accept(String.format(
                "[%d/%d] %-28s %,10.1f MB  %.1f s", i + 1, n, name, bytes / 1e6, (System.nanoTime() - start) / 1e9)));
        w.write(out);
        return s;
    }

    private static void ones(GGUFWriter w, String name, long n) {
        float[] one = new float[(int) n];
        java.util.Arrays.fill(one, 1f);
        w.addTensor(name, GGMLType.F32, new long[] {n}, TensorEncoding.encode(GGMLType.F32, one));
    }

    /** A rows x cols matrix of N(0, std) values, generated and encoded in parallel pieces of whole rows. */
    private static boolean matrix(
            GGUFWriter w,
            TypeScheme types,
            Spec spec,
            String name,
            int layer,
            long rows,
            long cols,
            double std,
            long seed) {
        int layers = spec.layers();
        int gqa = spec.heads() / spec.kvHeads();
        boolean tied = spec.tiedEmbeddings();
        GGMLType type = types.typeOf(name, layer, layers, gqa, tied, cols);
        long tensorSeed = new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L)).nextLong();
        int rowsPerPiece = (int) Math.max(1, Math.min(rows, (1 << 18) / cols));
        int pieces = (int) Math.ceilDiv(rows, rowsPerPiece);
        int batch = Math.max(1, Threads.count() * 2);
        w.addTensor(name, type, new long[] {cols, rows}, sink -> {
            for (int first = 0; first < pieces; first += batch) {
                int n = Math.min(batch, pieces - first);
                MemorySegment[] encoded = new MemorySegment[n];
                int base = first;
                Threads.parallelFor(n, k -> {
                    int piece = base + k;
                    long r0 = (long) piece * rowsPerPiece;
                    int count = (int) (Math.min(rowsPerPiece, rows - r0) * cols);
                    SplittableRandom random = new SplittableRandom(tensorSeed + piece * 0x632BE59BD9B4E019L);
                    float[] values = new float[count];
                    for (int i = 0; i < count; i++) {
                        values[i] = (float) (random.nextGaussian() * std);
                    }
                    encoded[k] = TensorEncoding.encode(type, values);
                });
                for (MemorySegment e : encoded) {
                    sink.write(e);
                }
            }
        });
        return TensorEncoding.isQuantized(type);
    }
}
