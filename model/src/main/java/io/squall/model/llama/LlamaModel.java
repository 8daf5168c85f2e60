package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.Dequantizer;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.WeightMatrix;
import io.squall.model.tokenizer.Tokenizer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A Llama model loaded from a GGUF file: configuration, tokenizer and weights. Matrices stay in the memory
 * mapping (no copy); the small norm vectors are read into float arrays. Close it to unmap the file. The CPU engine
 * has its Q4_0, Q4_K and Q6_K matrices repacked once ({@link #repackForCpu}): those are then copies, and their mapped
 * pages are released.
 */
public final class LlamaModel implements AutoCloseable {

    /** One transformer block's weights. */
    public record Layer(
            float[] attentionNorm,
            WeightMatrix wq,
            WeightMatrix wk,
            WeightMatrix wv,
            WeightMatrix wo,
            float[] ffnNorm,
            WeightMatrix gate,
            WeightMatrix up,
            WeightMatrix down) {
        List<WeightMatrix> matrices() {
            return List.of(wq, wk, wv, wo, gate, up, down);
        }

        /** The same weights (shared, not copied) with each product's activation precision chosen by {@code precision}. */
        public Layer withMatrices(java.util.function.UnaryOperator<WeightMatrix> precision) {
            return new Layer(
                    attentionNorm,
                    precision.apply(wq),
                    precision.apply(wk),
                    precision.apply(wv),
                    precision.apply(wo),
                    ffnNorm,
                    precision.apply(gate),
                    precision.apply(up),
                    precision.apply(down));
        }
    }

    private final GGUFFile gguf;
    private final LlamaConfig config;
    private final Tokenizer tokenizer;
    private final WeightMatrix tokenEmbedding;
    private final Layer[] layers; // replaced by repacked ones in repackForCpu
    private final float[] outputNorm;
    private volatile WeightMatrix output;
    private final Consumer<String> log;
    private Arena repacked; // the repacked copies, once repackForCpu ran

    private LlamaModel(
            GGUFFile gguf,
            LlamaConfig config,
            Tokenizer tokenizer,
            WeightMatrix tokenEmbedding,
            Layer[] layers,
            float[] outputNorm,
            WeightMatrix output,
            Consumer<String> log) {
        this.gguf = gguf;
        this.log = log;
        this.config = config;
        this.tokenizer = tokenizer;
        this.tokenEmbedding = tokenEmbedding;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
    }

    /** Loads a model; {@code progress} (may be null) receives short human-readable steps. */
    public static LlamaModel load(Path path, Consumer<String> progress) throws IOException {
        return load(path, progress, LlamaModel::warmUpCpuKernels);
    }

    /**
     * {@link #load(Path, Consumer)}; {@code onConfig} runs on the loading thread once the file's configuration is read,
     * before the tokenizer and the weights are bound, to start work that overlaps the rest of the load (Llama.load
     * starts the CPU kernels' warm-up or the device kernels' compiles there).
     */
    public static LlamaModel load(
            Path path, Consumer<String> progress, java.util.function.BiConsumer<GGUFFile, LlamaConfig> onConfig)
            throws IOException {
        Consumer<String> log = progress != null ? progress : s -> {};
        log.accept("loading " + path);
        GGUFFile gguf = GGUFFile.open(path);
        try {
            return from(gguf, log, onConfig);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    /** Binds the weights of an open file; the model owns {@code gguf} afterwards (closing the model closes it). */
    public static LlamaModel from(GGUFFile gguf, Consumer<String> log) {
        return from(gguf, log, LlamaModel::warmUpCpuKernels);
    }

    private static LlamaModel from(
            GGUFFile gguf, Consumer<String> log, java.util.function.BiConsumer<GGUFFile, LlamaConfig> onConfig) {
        try {
            return bind(gguf, log, onConfig);
        } catch (IllegalArgumentException e) {
            throw LlamaConfig.namingFile(gguf, e); // e.g. a malformed vocabulary entry or an unsupported tensor type
        }
    }

    private static LlamaModel bind(
            GGUFFile gguf, Consumer<String> log, java.util.function.BiConsumer<GGUFFile, LlamaConfig> onConfig) {
        LlamaConfig c = LlamaConfig.fromModelFile(gguf); // checked against the tensors before anything is sized
        log.accept("model: " + c.describe());
        onConfig.accept(gguf, c);
        Tokenizer tokenizer = Tokenizer.fromGGUF(gguf);
        if (tokenizer.vocabularySize() != c.vocabSize()) {
            throw new IllegalArgumentException(
                    gguf.name() + ": tokenizer has " + tokenizer.vocabularySize() + " tokens, model " + c.vocabSize());
        }
        WeightMatrix embedding = matrix(gguf, "token_embd.weight", c.vocabSize(), c.dim());
        Layer[] layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(
                    vector(gguf, p + "attn_norm.weight", c.dim()),
                    matrix(gguf, p + "attn_q.weight", c.dim(), c.dim()),
                    matrix(gguf, p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_v.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_output.weight", c.dim(), c.dim()),
                    vector(gguf, p + "ffn_norm.weight", c.dim()),
                    matrix(gguf, p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    matrix(gguf, p + "ffn_up.weight", c.ffnDim(), c.dim()),
                    matrix(gguf, p + "ffn_down.weight", c.dim(), c.ffnDim()));
            log.accept("layer " + (l + 1) + "/" + c.layers());
        }
        float[] outputNorm = vector(gguf, "output_norm.weight", c.dim());
        WeightMatrix output = c.tiedEmbeddings() ? embedding : matrix(gguf, LlamaConfig.OUTPUT, c.vocabSize(), c.dim());
        return new LlamaModel(gguf, c, tokenizer, embedding, layers, outputNorm, output, log);
    }

    /**
     * With -Dsquall.warmUp=true (the launcher's): starts compiling the CPU engine's kernels for the file's matrix types
     * on a background thread ({@link CpuEngine#warmUpInBackground}), while the tokenizer builds.
     */
    public static void warmUpCpuKernels(GGUFFile gguf, LlamaConfig c) {
        if (Boolean.getBoolean("squall.warmUp")) {
            boolean mapsCopies = RepackedWeightsFile.ENABLED
                    && gguf.path() != null
                    && RepackedWeightsFile.seemsToHold(RepackedWeightsFile.defaultDirectory(), gguf.path());
            CpuEngine.warmUpInBackground(
                    gguf.tensors().stream()
                            .filter(t -> t.rank() == 2)
                            .map(TensorInfo::type)
                            .filter(WeightMatrix::supports)
                            .toList(),
                    !mapsCopies);
        }
    }

    private static TensorInfo tensor(GGUFFile gguf, String name, long... dims) {
        TensorInfo t = gguf.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": missing tensor " + name);
        }
        if (!Arrays.equals(t.dims(), dims)) {
            throw new IllegalArgumentException(
                    gguf.name() + ": tensor " + name + " has shape " + Arrays.toString(t.dims()) + ", expected "
                            + Arrays.toString(dims) + " (GGUF order, innermost first)");
        }
        return t;
    }

    private static WeightMatrix matrix(GGUFFile gguf, String name, int rows, int cols) {
        TensorInfo t = tensor(gguf, name, cols, rows);
        return WeightMatrix.of(name, t.type(), gguf.tensorData(t), rows, cols);
    }

    private static float[] vector(GGUFFile gguf, String name, int n) {
        TensorInfo t = tensor(gguf, name, n);
        float[] v = new float[n];
        Dequantizer.dequantize(t.type(), gguf.tensorData(t), 0, v, 0, n);
        return v;
    }

    /**
     * Copies every Q4_0, Q4_K and Q6_K matrix (the layers' and the classifier; the embedding lookup keeps reading the
     * mapping) into 16-row interleaved groups ({@link WeightMatrix#repacked}) that the CPU engine's 8-bit products
     * read, about 1.5x faster per weight, as llama.cpp repacks Q4_0 and Q4_K at load. Over all threads, once per model (later calls return at
     * once), reported on the load progress. After each matrix its mapped pages are released
     * ({@link GGUFFile#releasePages}), so resident memory holds the copy (11% above the file's bytes) and not both.
     * The CPU engine calls it unless -Dsquall.matvec.repack=false; other users of the model are not affected (the
     * original bytes stay readable, mapped again from the file when read).
     */
    public void repackForCpu() {
        repackForCpu(RepackedWeightsFile.ENABLED ? RepackedWeightsFile.defaultDirectory() : null);
    }

    /**
     * {@link #repackForCpu()} keeping the copies in a file of {@code cacheDirectory} ({@link RepackedWeightsFile}:
     * mapped from it when an earlier run wrote it for this model file), or in memory when it is null.
     */
    synchronized void repackForCpu(Path cacheDirectory) {
        if (repacked != null) {
            return;
        }
        repacked = Arena.ofShared();
        long start = System.nanoTime();
        List<WeightMatrix> toRepack = new java.util.ArrayList<>(); // in the order below: the cache file's layout
        for (Layer layer : layers) {
            for (WeightMatrix m : layer.matrices()) {
                if (WeightMatrix.repacks(m.type())) {
                    toRepack.add(m);
                }
            }
        }
        if (WeightMatrix.repacks(output.type())) {
            toRepack.add(output);
        }
        RepackedWeightsFile file = cacheDirectory == null ? null : cacheFile(cacheDirectory, toRepack);
        int[] count = {0};
        String[] notRepacked = {null};
        java.util.Set<GGMLType> types = java.util.EnumSet.noneOf(GGMLType.class); // named in the log: those repacked
        java.util.function.UnaryOperator<WeightMatrix> repack = m -> {
            if (!WeightMatrix.repacks(m.type())) {
                return m;
            }
            WeightMatrix r;
            if (file == null) {
                r = m.repacked(repacked);
            } else {
                MemorySegment slice = file.slice(count[0], m);
                r = file.holdsCopies() ? m.withRepackedCopy(slice) : m.repackedInto(slice);
                if (r == m && notRepacked[0] == null) { // Inf/NaN Q4_0 scales: a later run must not map its slice
                    notRepacked[0] = m.name();
                }
            }
            gguf.releasePages(gguf.tensor(m.name()));
            count[0]++;
            types.add(m.type());
            return r;
        };
        String verb = file != null && file.holdsCopies() ? "mapping repacked " : "repacking ";
        for (int l = 0; l < layers.length; l++) {
            layers[l] = layers[l].withMatrices(repack);
            if (count[0] > 0 && ((l + 1) % 4 == 0 || l == layers.length - 1)) {
                log.accept(verb + typeNames(types) + " weights for the CPU engine: layer " + (l + 1) + "/"
                        + layers.length);
            }
        }
        output = repack.apply(output);
        String where = "";
        if (file != null) {
            where = (file.holdsCopies() ? ", mapped from " : ", kept in ") + file.file() + " ("
                    + (file.byteSize() >> 20) + " MiB; -Dsquall.repack.cache=false: not kept)";
            try {
                if (notRepacked[0] != null) {
                    file.discard();
                    where = " (not kept: tensor '" + notRepacked[0] + "' has Inf or NaN block scales and keeps its"
                            + " file layout)";
                } else {
                    file.commit();
                }
            } catch (IOException e) {
                file.discard();
                where = " (not kept: " + e.getMessage() + ")";
            }
        }
        if (count[0] > 0) {
            log.accept((file != null && file.holdsCopies() ? "mapped " : "repacked ") + count[0] + " "
                    + typeNames(types) + " matrices in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                    + (where.isEmpty() ? " (-Dsquall.matvec.repack=false: off)" : where));
        }
    }

    /**
     * The file in {@code directory} keeping the repacked copies ({@link RepackedWeightsFile}) when the model is a file;
     * null otherwise or when the directory cannot hold it (said in the log; the copies are then made
     * in memory).
     */
    private RepackedWeightsFile cacheFile(Path directory, List<WeightMatrix> toRepack) {
        if (gguf.path() == null || toRepack.isEmpty()) {
            return null;
        }
        try {
            return RepackedWeightsFile.open(directory, gguf.path(), toRepack, repacked);
        } catch (IOException | RuntimeException e) {
            log.accept("repacked weights not kept in " + directory + ": " + e.getMessage());
            return null;
        }
    }

    /** "Q4_0", "Q4_K and Q6_K", "Q4_0, Q4_K and Q6_K": the types in the set, in their declaration order. */
    static String typeNames(java.util.Set<GGMLType> types) {
        java.util.List<String> names = types.stream().map(GGMLType::name).toList();
        int n = names.size();
        return n <= 1
                ? String.join("", names)
                : String.join(", ", names.subList(0, n - 1)) + " and " + names.get(n - 1);
    }

    public LlamaConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public GGUFFile gguf() {
        return gguf;
    }

    public WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    public WeightMatrix output() {
        return output;
    }

    /** Bytes of weights a single-token forward pass reads: every layer matrix and the classifier (one embedding row is negligible). */
    public long weightBytesPerToken() {
        long bytes = output.type().byteSize((long) output.rows() * output.cols());
        for (Layer layer : layers) {
            for (WeightMatrix m : layer.matrices()) {
                bytes += m.type().byteSize((long) m.rows() * m.cols());
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        gguf.close();
        synchronized (this) {
            if (repacked != null) {
                repacked.close();
            }
        }
    }
}
