package io.squall.model.llama;

import io.squall.model.tensor.Threads;
import io.squall.model.tensor.WeightMatrix;

import java.util.List;

/**
 * The CPU forward pass of a Llama model, in the spirit of llama2.c's run.c: one readable pass per token, state in
 * preallocated buffers (the decode loop allocates nothing), a float key/value cache per layer.
 * Matrix products go through {@link WeightMatrix} (vectorized, multi-threaded over rows); attention heads are
 * spread over {@link Threads}. {@link #prefill} runs a prompt in chunks with matrix-matrix products.
 * <p>
 * Activations: by default the products of Q4_0, Q4_K and Q6_K weights quantize x to 8 bits per 32 and use integer
 * dot products, as llama.cpp does (faster; results move within x's rounding, see {@link WeightMatrix}); an engine
 * built with {@code quantizedActivations = false}, or every engine under {@code -Dsquall.matvec.int8=false}, keeps x
 * in float and equals the scalar reference up to float rounding (the accelerated engine's reference). With quantized
 * activations the model's Q4_0, Q4_K and Q6_K matrices are repacked once into 16-row interleaved copies ({@link
 * LlamaModel#repackForCpu}; off with -Dsquall.matvec.repack=false) that decode and prefill read.
 * <p>
 * Not thread-safe: one engine serves one sequence; {@link #forwardBatch} steps several engines of one model together.
 */
public final class CpuEngine implements InferenceEngine {
    /**
     * Prompt tokens per prefill chunk (-Dsquall.prefill.chunk): each chunk reads every weight once. 512-token 1B
     * prompts, CPU ms per token (2026-12-05, quiet 2-core VM, one run each): 64 against 32: Q4_K_M 17.0 vs 18.4, Q8_0
     * 31.2 vs 32.7; 128: Q4_0 16.8 vs 17.7 at 64, but Q4_K_M 34.2 (likely its integer tiles' x out of L2; and its
     * decoding after the prompt 99 vs 75 ms per token: not understood). llama.cpp's micro-batch is 512.
     */
    public static final int PREFILL_CHUNK = Math.max(1, Integer.getInteger("squall.prefill.chunk", 64));

    /** Sequences one {@link #forwardBatch} takes at most (its logits buffer: this many rows of the vocabulary). */
    public static final int BATCH_CAPACITY = 32;

    /** Whether engines quantize activations unless told otherwise: yes, except under -Dsquall.matvec.int8=false. */
    public static final boolean QUANTIZED_ACTIVATIONS_DEFAULT =
            !"false".equalsIgnoreCase(System.getProperty("squall.matvec.int8"));

    /**
     * Whether engines with quantized activations have the model's Q4_0, Q4_K and Q6_K matrices repacked into 16-row
     * interleaved copies ({@link LlamaModel#repackForCpu}): yes, except under -Dsquall.matvec.repack=false (the
     * mapped bytes read in place, as before).
     */
    public static final boolean REPACK_Q4_0_DEFAULT =
            !"false".equalsIgnoreCase(System.getProperty("squall.matvec.repack"));

    private final LlamaModel model;
    private final LlamaConfig c;
    private final boolean quantizedActivations;
    // the model's matrices with this engine's activation precision (views sharing the mapped weights)
    private final LlamaModel.Layer[] layers;
    private final WeightMatrix output;
    private final int contextSize;
    private final int chunk;

    // per-layer key/value cache, grown (doubling) up to contextSize as positions are used, so that a short session of
    // a large model does not hold a full window's cache (8B, 4096 positions: 1 GiB); values [position][kvDim], keys
    // transposed in blocks of positions for the attention kernel (Attention.keyIndex), keyStride positions per head
    private final float[][] keyCache;
    private final float[][] valueCache;
    private int cachePositions;
    private int keyStride;

    // activations for `chunk` tokens (decode uses row 0): x residual stream, xb normed / attention output, q, ...
    private final float[] x, xb, xb2, q, k, v, hb, hb2;
    private Attention.Rows[] attentionRows; // per worker thread: the rows of one attention call and their scores
    private final float[] logits;
    private final double[] inverseFrequencies;
    private final float ropeMagnitude; // YaRN scales cos and sin; 1 otherwise
    private final float[] ropeCos, ropeSin; // per token row of the chunk: [chunk][ropeDims/2]

    // the attention step's parameters, read by the preallocated task so that decode allocates nothing
    private int attnLayer, attnStartPos;
    // batched decode (forwardBatch): per activation row, the sequence whose cache it attends over and its position
    private CpuEngine[] attnSequences;
    private int[] attnPositions;
    private float[] batchLogits; // [rows][vocab], allocated on the first forwardBatch
    private final Threads.RangeBody attentionTask = this::attendRange;
    private final FusedMatvecs fused = new FusedMatvecs();

    /** The steps of {@link #prefill} that -Dsquall.prefill.profile=true times ({@link #prefillStepNanos}). */
    public enum PrefillStep {
        EMBED_ROPE_TABLES,
        NORM,
        QKV,
        ROPE_CACHE,
        ATTEND,
        WO,
        RESIDUAL,
        GATE_UP,
        SWIGLU,
        DOWN,
        CLASSIFY
    }

    /** -Dsquall.prefill.profile=true: prefill times its steps (a clock read between steps; off: none). */
    private static final boolean PROFILE_PREFILL = Boolean.getBoolean("squall.prefill.profile");

    private final long[] stepNanos = new long[PrefillStep.values().length];

    /**
     * Starts a daemon thread that has C2 compile the CPU engine's kernels for {@code types} (matrix products) and its
     * element-wise steps on small inputs, so that a cold JVM's first prompt runs compiled code. Meant to overlap with
     * loading a model (the tokenizer build is single-threaded); the launcher turns it on with -Dsquall.warmUp=true.
     */
    public static Thread warmUpInBackground(java.util.Collection<io.squall.model.tensor.GGMLType> types) {
        return warmUpInBackground(types, true);
    }

    /**
     * {@link #warmUpInBackground(java.util.Collection)}; {@code repacks} false leaves the repack loops out (the model's
     * repacked copies will be mapped from a file: {@link RepackedWeightsFile}).
     */
    public static Thread warmUpInBackground(
            java.util.Collection<io.squall.model.tensor.GGMLType> types, boolean repacks) {
        // products of the repacked types only: warming up Q8_0's float-x products on small matrices halved the cold
        // `llama` command's Q8_0 generation (7.3-8.5 vs 14.2-14.8 tok/s, 2026-12-05) and did not speed its prompt
        List<io.squall.model.tensor.GGMLType> kinds = new java.util.LinkedHashSet<>(types)
                .stream()
                        .filter(t -> WARM_UP_ALL_TYPES || WeightMatrix.repacks(t))
                        .toList();
        warmUpStop = false;
        Thread t = new Thread(
                () -> {
                    float sink = 0;
                    List<WeightMatrix.WarmUp> perType = new java.util.ArrayList<>();
                    for (io.squall.model.tensor.GGMLType type : kinds) {
                        perType.add(new WeightMatrix.WarmUp(type, WARM_UP_REPACKED_ONLY, repacks));
                    }
                    float[] a = new float[512];
                    float[] b = new float[512];
                    float[] weight = new float[512];
                    java.util.Arrays.fill(weight, 1f);
                    // attention: one key/value head of 64, 40 positions, four rows of different lengths
                    float[] keys = Attention.growKeys(null, 0, Attention.keyStride(40), 1, 64);
                    Attention.Rows rows = new Attention.Rows();
                    rows.scores = new float[Attention.ROWS * Attention.keyStride(40)];
                    for (int i = 0; i < 4; i++) {
                        rows.add(i * 64, i * 64, 40 - 11 * i);
                    }
                    float[] values = new float[40 * 64];
                    // in slices, so that it stops when an engine starts (three threads on two cores would slow the
                    // prompt), and round-robin over the types and the element-wise steps: one type after the other
                    // left Q4_K_M's Q6_K prompt tiles uncompiled when the engine started
                    for (int done = 0; done < WARM_UP_ROUNDS && !warmUpStop; done += WARM_UP_SLICE) {
                        for (WeightMatrix.WarmUp products : perType) {
                            if (!warmUpStop) {
                                sink += products.run(WARM_UP_SLICE);
                            }
                        }
                        for (int r = done; r < done + WARM_UP_SLICE && !warmUpStop; r++) {
                            a[r % 512] = r;
                            Elementwise.rmsNorm(b, 0, a, 0, weight, 512, 1e-5f);
                            Elementwise.swiglu(a, b, 0, 512);
                            Elementwise.add(a, 0, b, 0, 512);
                            Attention.attend(a, keys, Attention.keyStride(40), values, 64, 0, 64, 0.125f, rows, b);
                            sink += b[r % 256];
                        }
                    }
                    WARM_UP_SINK = sink;
                },
                "squall-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /**
     * Whether the warm-up skips the float-x and unrepacked products of repacked types: yes with the defaults (8-bit x,
     * repack), which never run them; -Dsquall.warmUp.allPaths=true warms them up too.
     */
    private static final boolean WARM_UP_REPACKED_ONLY =
            QUANTIZED_ACTIVATIONS_DEFAULT && REPACK_Q4_0_DEFAULT && !Boolean.getBoolean("squall.warmUp.allPaths");

    /** -Dsquall.warmUp.allTypes=true: the warm-up compiles the products of every type, not only the repacked ones. */
    private static final boolean WARM_UP_ALL_TYPES = Boolean.getBoolean("squall.warmUp.allTypes");

    private static final int WARM_UP_ROUNDS = Integer.getInteger("squall.warmUpRounds", 2000);
    private static final int WARM_UP_SLICE = 100;

    @SuppressWarnings("unused")
    private static volatile float WARM_UP_SINK;
    /** -Dsquall.warmUp.stopBeforeRepack=true: the warm-up ends when the repack starts (before: when it ends). */
    private static final boolean WARM_UP_STOPS_BEFORE_REPACK = Boolean.getBoolean("squall.warmUp.stopBeforeRepack");

    /** Set by the first engine (after the repack): a warm-up still running then ends. */
    private static volatile boolean warmUpStop;

    /** Ends a warm-up still running ({@link #warmUpInBackground}): an engine that does not use it has started. */
    public static void endWarmUp() {
        warmUpStop = true;
    }

    /** An engine whose window is {@code contextSize} tokens (at most the model's context_length), default precision. */
    public CpuEngine(LlamaModel model, int contextSize) {
        this(model, contextSize, QUANTIZED_ACTIVATIONS_DEFAULT);
    }

    /**
     * An engine whose window is {@code contextSize} tokens; {@code quantizedActivations} false keeps every product's
     * x in float (exact up to float rounding), true quantizes x to 8 bits for the types with an integer path.
     */
    public CpuEngine(LlamaModel model, int contextSize, boolean quantizedActivations) {
        this.model = model;
        this.c = model.config();
        this.quantizedActivations = quantizedActivations;
        if (WARM_UP_STOPS_BEFORE_REPACK) {
            warmUpStop = true;
        }
        if (quantizedActivations && REPACK_Q4_0_DEFAULT) {
            model.repackForCpu(); // a warm-up still running goes on meanwhile: the prompt's kernels compiled by C2
        }
        warmUpStop = true;
        java.util.function.UnaryOperator<WeightMatrix> precision =
                quantizedActivations ? WeightMatrix::withQuantizedActivations : WeightMatrix::withFloatActivations;
        this.layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = model.layer(l).withMatrices(precision);
        }
        this.output = precision.apply(model.output());
        if (contextSize <= 0 || contextSize > c.contextLength()) {
            throw new IllegalArgumentException("context size " + contextSize + " must be in 1.." + c.contextLength()
                    + " (the model's context_length)");
        }
        this.contextSize = contextSize;
        this.chunk = Math.min(PREFILL_CHUNK, contextSize);
        long cacheFloats = (long) Attention.keyStride(contextSize) * c.kvDim();
        if (cacheFloats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("context size " + contextSize + " needs a key cache of " + cacheFloats
                    + " floats per layer; use a smaller context size");
        }
        long cacheBytes = 2 * c.layers() * cacheFloats * Float.BYTES;
        if (cacheBytes
                > Runtime.getRuntime().maxMemory()) { // fail with the reason before the allocation fails without one
            throw new IllegalArgumentException(
                    "context size " + contextSize + " needs " + (cacheBytes >> 20) + " MiB of key/value cache for "
                            + c.layers() + " layers, more than the Java heap's "
                            + (Runtime.getRuntime().maxMemory() >> 20)
                            + " MiB (-Xmx); use a smaller context size");
        }
        keyCache = new float[c.layers()][];
        valueCache = new float[c.layers()][];
        growCache(Math.min(contextSize, initialCachePositions));
        x = new float[chunk * c.dim()];
        xb = new float[chunk * c.dim()];
        xb2 = new float[chunk * c.dim()];
        q = new float[chunk * c.dim()];
        k = new float[chunk * c.kvDim()];
        v = new float[chunk * c.kvDim()];
        hb = new float[chunk * c.ffnDim()];
        hb2 = new float[chunk * c.ffnDim()];
        attentionRows = attentionRows(Threads.count());
        logits = new float[c.vocabSize()];
        int half = c.ropeDims() / 2;
        inverseFrequencies = c.ropeInverseFrequencies(); // rope_freqs factors and linear / YaRN scaling applied
        ropeMagnitude = c.ropeMagnitude();
        ropeCos = new float[chunk * half];
        ropeSin = new float[chunk * half];
    }

    public LlamaModel model() {
        return model;
    }

    public int contextSize() {
        return contextSize;
    }

    /** Whether this engine quantizes activations to 8 bits where the weight type has an integer path. */
    public boolean quantizesActivations() {
        return quantizedActivations;
    }

    /**
     * Runs {@code token} at position {@code pos} (the cache must hold positions 0..pos-1) and returns the logits.
     * The returned array is the engine's buffer: valid until the next call.
     */
    public float[] forward(int token, int pos) {
        checkToken(token);
        checkWindow(pos, 1);
        model.tokenEmbedding().dequantizeRow(token, x, 0);
        computeRope(0, pos);
        for (int l = 0; l < c.layers(); l++) {
            decodeLayer(l, pos);
        }
        return classify(0);
    }

    /** One transformer block for the token in activation row 0 at {@code pos} (rope tables already computed). */
    private void decodeLayer(int l, int pos) {
        int dim = c.dim();
        LlamaModel.Layer w = layers[l];
        int cacheOffset = pos * c.kvDim();
        // attention: q, k, and v written straight into this position's cache row (k goes in transposed after rope)
        Elementwise.rmsNorm(xb, 0, x, 0, w.attentionNorm(), dim, c.rmsEpsilon());
        fused.run(xb, w.wq(), q, 0, w.wk(), k, 0, w.wv(), valueCache[l], cacheOffset);
        rotate(q, 0, c.heads(), 0);
        rotate(k, 0, c.kvHeads(), 0);
        Attention.storeKey(keyCache[l], keyStride, c.kvHeads(), c.headSize(), pos, k, 0);
        attend(l, pos, 1);
        w.wo().matvec(xb, xb2, 0);
        Elementwise.add(x, 0, xb2, 0, dim);
        // feed-forward: down(silu(gate(x)) * up(x))
        Elementwise.rmsNorm(xb, 0, x, 0, w.ffnNorm(), dim, c.rmsEpsilon());
        fused.run(xb, w.gate(), hb, 0, w.up(), hb2, 0, null, null, 0);
        Elementwise.swiglu(hb, hb2, 0, c.ffnDim());
        w.down().matvec(hb, xb, 0);
        Elementwise.add(x, 0, xb, 0, dim);
    }

    /**
     * Decoding's matvecs that share x (q, k and v; gate and up) in one parallel section instead of one each: a
     * section's start and join cost the same whatever its size, and decoding had 8 per layer, now 5 (1B Q4_0, 2 threads,
     * load 6, 3 interleaved runs: 65.3 [63.4-70.3] against 69.7 [68.4-69.7] CPU ms per token). The rows of the
     * matrices are shared out in blocks of 16 (a repacked Q4_0 group, which a range should not cut); each worker runs
     * its blocks' matvecs inline. Reused: no allocation per token.
     */
    private static final class FusedMatvecs implements Threads.RangeBody {
        private static final int BLOCK = 16;
        private final WeightMatrix[] matrices = new WeightMatrix[3];
        private final float[][] outs = new float[3][];
        private final int[] offsets = new int[3];
        private final int[] firstBlock = new int[4]; // matrix i's blocks are [firstBlock[i], firstBlock[i + 1])
        private int count;
        private float[] x;

        /** out_i[offset_i + r] = row r of m_i . x for every row of each matrix; m3 may be null. */
        void run(
                float[] x,
                WeightMatrix m1,
                float[] out1,
                int offset1,
                WeightMatrix m2,
                float[] out2,
                int offset2,
                WeightMatrix m3,
                float[] out3,
                int offset3) {
            if (Threads.count() == 1 || Threads.inParallelSection()) {
                m1.matvec(x, out1, offset1);
                m2.matvec(x, out2, offset2);
                if (m3 != null) {
                    m3.matvec(x, out3, offset3);
                }
                return;
            }
            this.x = x;
            count = 0;
            add(m1, out1, offset1);
            add(m2, out2, offset2);
            if (m3 != null) {
                add(m3, out3, offset3);
            }
            try {
                Threads.parallelRanges(firstBlock[count], this);
            } finally {
                this.x = null;
                java.util.Arrays.fill(matrices, null);
                java.util.Arrays.fill(outs, null);
            }
        }

        private void add(WeightMatrix m, float[] out, int offset) {
            matrices[count] = m;
            outs[count] = out;
            offsets[count] = offset;
            firstBlock[count + 1] = firstBlock[count] + (m.rows() + BLOCK - 1) / BLOCK;
            count++;
        }

        @Override
        public void run(int worker, int start, int end) {
            for (int i = 0; i < count; i++) {
                int from = Math.max(start, firstBlock[i]);
                int to = Math.min(end, firstBlock[i + 1]);
                if (from < to) {
                    WeightMatrix m = matrices[i];
                    int r0 = (from - firstBlock[i]) * BLOCK;
                    int r1 = Math.min(m.rows(), (to - firstBlock[i]) * BLOCK);
                    m.matvec(x, 0, outs[i], offsets[i], r0, r1); // inline: this thread is in the parallel section
                }
            }
        }
    }

    /**
     * Partial offload (the accelerated engine runs the other layers on devices): layers [firstLayer, endLayer) at
     * {@code pos} on {@code hidden} (dim floats, updated in place), using this engine's key/value cache for them.
     */
    public void forwardLayers(float[] hidden, int pos, int firstLayer, int endLayer) {
        checkWindow(pos, 1);
        if (firstLayer < 0 || endLayer > c.layers() || firstLayer >= endLayer) {
            throw new IllegalArgumentException(
                    "layer range [" + firstLayer + ", " + endLayer + ") outside 0.." + c.layers());
        }
        System.arraycopy(hidden, 0, x, 0, c.dim());
        computeRope(0, pos);
        for (int l = firstLayer; l < endLayer; l++) {
            decodeLayer(l, pos);
        }
        System.arraycopy(x, 0, hidden, 0, c.dim());
    }

    /** Partial offload: final norm and classifier of {@code hidden}; returns the logits (the engine's buffer). */
    public float[] classify(float[] hidden) {
        System.arraycopy(hidden, 0, x, 0, c.dim());
        return classify(0);
    }

    /**
     * Runs {@code count} tokens of {@code tokens} from {@code from}, at positions {@code startPos..}, in chunks with
     * matrix-matrix products and causal attention; returns the logits after the last one (the engine's buffer).
     */
    public float[] prefill(int[] tokens, int from, int count, int startPos) {
        if (count <= 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkWindow(startPos, count);
        for (int i = 0; i < count; i++) {
            checkToken(tokens[from + i]);
        }
        int done = 0;
        while (done < count) {
            int n = Math.min(chunk, count - done);
            prefillChunk(tokens, from + done, n, startPos + done);
            done += n;
        }
        long t = PROFILE_PREFILL ? System.nanoTime() : 0;
        float[] result = classify(((count - 1) % chunk));
        step(PrefillStep.CLASSIFY, t);
        return result;
    }

    /**
     * Nanoseconds spent in each step of {@link #prefill} (indexed by {@link PrefillStep#ordinal}) since this engine
     * was built or last reset, summed over calls: all zero unless -Dsquall.prefill.profile=true.
     */
    public long[] prefillStepNanos(boolean reset) {
        long[] copy = stepNanos.clone();
        if (reset) {
            java.util.Arrays.fill(stepNanos, 0);
        }
        return copy;
    }

    /** Adds the time since {@code since} to {@code step} when profiling; returns the clock for the next step. */
    private long step(PrefillStep step, long since) {
        if (!PROFILE_PREFILL) {
            return 0;
        }
        long now = System.nanoTime();
        stepNanos[step.ordinal()] += now - since;
        return now;
    }

    private void prefillChunk(int[] tokens, int from, int n, int startPos) {
        int dim = c.dim();
        int kvDim = c.kvDim();
        long t = PROFILE_PREFILL ? System.nanoTime() : 0;
        for (int i = 0; i < n; i++) {
            model.tokenEmbedding().dequantizeRow(tokens[from + i], x, i * dim);
            computeRope(i, startPos + i);
        }
        t = step(PrefillStep.EMBED_ROPE_TABLES, t);
        for (int l = 0; l < c.layers(); l++) {
            LlamaModel.Layer w = layers[l];
            for (int i = 0; i < n; i++) {
                Elementwise.rmsNorm(xb, i * dim, x, i * dim, w.attentionNorm(), dim, c.rmsEpsilon());
            }
            t = step(PrefillStep.NORM, t);
            w.wq().matmul(xb, n, q);
            w.wk().matmul(xb, n, k);
            w.wv().matmul(xb, n, v);
            t = step(PrefillStep.QKV, t);
            for (int i = 0; i < n; i++) {
                rotate(q, i * dim, c.heads(), i);
                rotate(k, i * kvDim, c.kvHeads(), i);
                Attention.storeKey(keyCache[l], keyStride, c.kvHeads(), c.headSize(), startPos + i, k, i * kvDim);
                System.arraycopy(v, i * kvDim, valueCache[l], (startPos + i) * kvDim, kvDim);
            }
            t = step(PrefillStep.ROPE_CACHE, t);
            attend(l, startPos, n);
            t = step(PrefillStep.ATTEND, t);
            w.wo().matmul(xb, n, xb2);
            t = step(PrefillStep.WO, t);
            Elementwise.add(x, 0, xb2, 0, n * dim);
            t = step(PrefillStep.RESIDUAL, t);
            for (int i = 0; i < n; i++) {
                Elementwise.rmsNorm(xb, i * dim, x, i * dim, w.ffnNorm(), dim, c.rmsEpsilon());
            }
            t = step(PrefillStep.NORM, t);
            w.gate().matmul(xb, n, hb);
            w.up().matmul(xb, n, hb2);
            t = step(PrefillStep.GATE_UP, t);
            Elementwise.swiglu(hb, hb2, 0, n * c.ffnDim());
            t = step(PrefillStep.SWIGLU, t);
            w.down().matmul(hb, n, xb);
            t = step(PrefillStep.DOWN, t);
            Elementwise.add(x, 0, xb, 0, n * dim);
            t = step(PrefillStep.RESIDUAL, t);
        }
    }

    /** How many sequences one {@link #forwardBatch} call can take: the rows of this engine's activation buffers. */
    public int batchCapacity() {
        return Math.min(chunk, BATCH_CAPACITY);
    }

    /**
     * Continuous batching: one decode step for several sequences at once, each an engine of this model with its own
     * key/value cache. Row i runs {@code tokens[i]} at {@code positions[i]} in {@code sequences[i]} (whose cache holds
     * 0..positions[i]-1). Each weight is applied to all rows as one matrix-matrix product (read once for the whole
     * batch, as in {@link #prefill}); attention reads each row's own cache. This engine lends its activation buffers
     * (it may itself be one of the sequences). Returns the logits, row i at {@code [i * vocab, (i + 1) * vocab)}:
     * this engine's buffer, valid until the next call.
     */
    public float[] forwardBatch(CpuEngine[] sequences, int[] tokens, int[] positions) {
        int n = sequences.length;
        if (n == 0 || n > batchCapacity() || tokens.length != n || positions.length != n) {
            throw new IllegalArgumentException("batch of " + n + " sequences (" + tokens.length + " tokens, "
                    + positions.length + " positions); this engine takes 1.." + batchCapacity());
        }
        for (int i = 0; i < n; i++) {
            CpuEngine s = sequences[i];
            if (s.model != model || s.contextSize > contextSize) {
                throw new IllegalArgumentException(
                        "sequence " + i + " belongs to another model or has a larger window (" + s.contextSize + " > "
                                + contextSize + ")");
            }
            checkToken(tokens[i]);
            s.checkWindow(positions[i], 1);
        }
        int dim = c.dim();
        int kvDim = c.kvDim();
        for (int i = 0; i < n; i++) {
            model.tokenEmbedding().dequantizeRow(tokens[i], x, i * dim);
            computeRope(i, positions[i]);
        }
        for (int l = 0; l < c.layers(); l++) {
            LlamaModel.Layer w = layers[l];
            for (int i = 0; i < n; i++) {
                Elementwise.rmsNorm(xb, i * dim, x, i * dim, w.attentionNorm(), dim, c.rmsEpsilon());
            }
            w.wq().matmul(xb, n, q);
            w.wk().matmul(xb, n, k);
            w.wv().matmul(xb, n, v);
            for (int i = 0; i < n; i++) {
                rotate(q, i * dim, c.heads(), i);
                rotate(k, i * kvDim, c.kvHeads(), i);
                CpuEngine s = sequences[i];
                Attention.storeKey(s.keyCache[l], s.keyStride, c.kvHeads(), c.headSize(), positions[i], k, i * kvDim);
                System.arraycopy(v, i * kvDim, sequences[i].valueCache[l], positions[i] * kvDim, kvDim);
            }
            attnSequences = sequences;
            attnPositions = positions;
            try {
                attend(l, 0, n);
            } finally {
                attnSequences = null;
                attnPositions = null;
            }
            w.wo().matmul(xb, n, xb2);
            Elementwise.add(x, 0, xb2, 0, n * dim);
            for (int i = 0; i < n; i++) {
                Elementwise.rmsNorm(xb, i * dim, x, i * dim, w.ffnNorm(), dim, c.rmsEpsilon());
            }
            w.gate().matmul(xb, n, hb);
            w.up().matmul(xb, n, hb2);
            Elementwise.swiglu(hb, hb2, 0, n * c.ffnDim());
            w.down().matmul(hb, n, xb);
            Elementwise.add(x, 0, xb, 0, n * dim);
        }
        for (int i = 0; i < n; i++) {
            Elementwise.rmsNorm(x, i * dim, x, i * dim, model.outputNorm(), dim, c.rmsEpsilon());
        }
        if (batchLogits == null) {
            batchLogits = new float[Math.multiplyExact(batchCapacity(), c.vocabSize())];
        }
        output.matmul(x, n, batchLogits);
        return batchLogits;
    }

    /** Final norm and classifier of activation row {@code row}. */
    private float[] classify(int row) {
        int dim = c.dim();
        Elementwise.rmsNorm(x, row * dim, x, row * dim, model.outputNorm(), dim, c.rmsEpsilon());
        if (row != 0) {
            System.arraycopy(x, row * dim, x, 0, dim);
        }
        output.matvec(x, logits, 0);
        return logits;
    }

    /** cos/sin of every rotated frequency at {@code pos}, for activation row {@code row}. */
    private void computeRope(int row, int pos) {
        int half = inverseFrequencies.length;
        for (int i = 0; i < half; i++) {
            double theta = pos * inverseFrequencies[i];
            ropeCos[row * half + i] = (float) (Math.cos(theta) * ropeMagnitude);
            ropeSin[row * half + i] = (float) (Math.sin(theta) * ropeMagnitude);
        }
    }

    /** RoPE on adjacent pairs (x[2i], x[2i+1]) of the first ropeDims of each head, as llama.cpp's llama architecture. */
    private void rotate(float[] vec, int offset, int headCount, int row) {
        int half = inverseFrequencies.length;
        for (int h = 0; h < headCount; h++) {
            int base = offset + h * c.headSize();
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[row * half + i];
                float sin = ropeSin[row * half + i];
                float a = vec[base + 2 * i];
                float b = vec[base + 2 * i + 1];
                vec[base + 2 * i] = a * cos - b * sin;
                vec[base + 2 * i + 1] = a * sin + b * cos;
            }
        }
    }

    /**
     * Attention of {@code tokens} query rows (positions startPos.., or attnPositions in a batch) over the cache, result
     * in xb. The work items are key/value heads x groups of up to {@link Attention#ROWS} query rows sharing that head
     * (a token's heads of the group, or consecutive tokens where the group is smaller), in parallel.
     */
    private void attend(int layer, int startPos, int tokens) {
        attnLayer = layer;
        attnStartPos = startPos;
        attnTokens = tokens;
        if (attentionRows.length < Threads.count()) { // the pool was resized after construction
            attentionRows = attentionRows(Threads.count());
        }
        int g = c.groupSize();
        // a batch's tokens belong to different sequences (caches): they never share a call
        attnTokensPerItem = g >= Attention.ROWS || attnSequences != null ? 1 : Attention.ROWS / g;
        attnHeadsPerItem = Math.min(g, Attention.ROWS);
        int tokenGroups = (tokens + attnTokensPerItem - 1) / attnTokensPerItem;
        int headGroups = (g + attnHeadsPerItem - 1) / attnHeadsPerItem;
        attnItemsPerKvHead = tokenGroups * headGroups;
        Threads.parallelRanges(c.kvHeads() * attnItemsPerKvHead, attentionTask);
    }

    private Attention.Rows[] attentionRows(int workers) {
        Attention.Rows[] rows = new Attention.Rows[workers];
        for (int i = 0; i < workers; i++) {
            rows[i] = new Attention.Rows();
            rows[i].scores = new float[Math.multiplyExact(Attention.ROWS, Attention.keyStride(contextSize))];
        }
        return rows;
    }

    // the attention step's split into items (set by attend)
    private int attnTokens, attnTokensPerItem, attnHeadsPerItem, attnItemsPerKvHead;

    private void attendRange(int worker, int start, int end) {
        Attention.Rows rows = attentionRows[worker];
        int g = c.groupSize();
        int headSize = c.headSize();
        int headGroups = (g + attnHeadsPerItem - 1) / attnHeadsPerItem;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        for (int item = start; item < end; item++) {
            int kvHead = item / attnItemsPerKvHead;
            int rest = item % attnItemsPerKvHead;
            int t0 = (rest / headGroups) * attnTokensPerItem;
            int t1 = Math.min(attnTokens, t0 + attnTokensPerItem);
            int h0 = (rest % headGroups) * attnHeadsPerItem;
            int h1 = Math.min(g, h0 + attnHeadsPerItem);
            rows.clear();
            for (int t = t0; t < t1; t++) {
                int pos = attnPositions != null ? attnPositions[t] : attnStartPos + t;
                for (int h = kvHead * g + h0; h < kvHead * g + h1; h++) {
                    int offset = t * c.dim() + h * headSize;
                    rows.add(offset, offset, pos + 1);
                }
            }
            CpuEngine owner = attnSequences != null ? attnSequences[t0] : this;
            Attention.attend(
                    q,
                    owner.keyCache[attnLayer],
                    owner.keyStride,
                    owner.valueCache[attnLayer],
                    c.kvDim(),
                    kvHead,
                    headSize,
                    scale,
                    rows,
                    xb);
        }
    }

    private void checkToken(int token) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside the vocabulary 0.." + (c.vocabSize() - 1));
        }
    }

    private void checkWindow(int startPos, int count) {
        if (startPos < 0 || (long) startPos + count > contextSize) {
            throw new ContextWindowExceededException(startPos + count, contextSize, c.contextLength());
        }
        if (startPos + count > cachePositions) {
            growCache(Math.min(contextSize, Math.max(startPos + count, 2 * cachePositions)));
        }
    }

    /** Positions the key/value cache holds at first; it doubles when a step needs more (rarely: not per token). */
    static int initialCachePositions = 512; // tests lower it to cross a growth

    private void growCache(int positions) {
        int floats = positions * c.kvDim();
        int stride = Attention.keyStride(positions);
        for (int l = 0; l < c.layers(); l++) {
            keyCache[l] = Attention.growKeys(keyCache[l], keyStride, stride, c.kvHeads(), c.headSize());
            valueCache[l] = valueCache[l] == null ? new float[floats] : java.util.Arrays.copyOf(valueCache[l], floats);
        }
        cachePositions = positions;
        keyStride = stride;
    }
}
