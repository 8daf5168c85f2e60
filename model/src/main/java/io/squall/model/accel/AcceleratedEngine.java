package io.squall.model.accel;

import io.squall.api.DataRange;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ptx.PtxDevice;
import io.squall.device.Devices;
import io.squall.device.placement.Stage;
import io.squall.exec.KernelCache;
import io.squall.kernels.format.BlockFormat;
import io.squall.kernels.graphs.DeviceWeight;
import io.squall.kernels.graphs.LayerWeights;
import io.squall.kernels.graphs.LlamaGraphs;
import io.squall.kernels.graphs.LlamaShape;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaConfig;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.NaNLogitsException;
import io.squall.plan.RuntimeOptions;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The forward pass as task graphs (io.squall.kernels.graphs.LlamaGraphs) on one or more devices: one execution plan per
 * stage, layer ranges in order (a pipeline: the hidden state crosses to the host once per stage boundary). Weights
 * are views over the mapped GGUF file, copied to their device once; activations and the key/value cache stay on
 * the device. Per token the host writes the token id and position and reads one token id (greedy), the top-k
 * candidates (top-k sampling: k ids and logits, see {@link #forwardTopK}) or the logits.
 * <p>
 * Not thread-safe: one engine serves one sequence.
 */
public final class AcceleratedEngine implements InferenceEngine {
    /**
     * Prompt tokens per execution of the batched prefill graph ({@code -Dsquall.prefill.batch}, default 16; 0: token by
     * token). Used when one device stage holds every layer and the classifier (any weight format).
     */
    public static final int PREFILL_BATCH = Integer.getInteger("squall.prefill.batch", 16);
    /**
     * Whether CPU devices guard the engine's array accesses ({@code -Dsquall.accel.guards}, default false): its kernels
     * index only within shapes checked against the file, and the tests run them in checked mode, so they run unguarded
     * (a guarded load costs up to ~2x on the memory-bound products).
     */
    static final boolean ACCESS_GUARDS = Boolean.getBoolean("squall.accel.guards");
    /**
     * The matrix-vector layout on every device ({@code -Dsquall.accel.matvecShape=lanes|rows|vector-rows}); unset: by device type
     * ({@link LlamaGraphs.MatVecShape#forDevice}). For measuring a device whose compiler prefers the other layout.
     */
    static final LlamaGraphs.MatVecShape MATVEC_SHAPE =
            matVecShapeOption(System.getProperty("squall.accel.matvecShape"));

    static LlamaGraphs.MatVecShape matVecShapeOption(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "lanes" -> LlamaGraphs.MatVecShape.LANES;
            case "rows" -> LlamaGraphs.MatVecShape.ROWS;
            case "vector-rows" -> LlamaGraphs.MatVecShape.VECTOR_ROWS;
            default ->
                throw new IllegalArgumentException(
                        "-Dsquall.accel.matvecShape=" + value + ": expected lanes, rows or vector-rows");
        };
    }

    /** The stage device id for layers on the CPU engine (partial offload). */
    public static final String CPU = Stage.CPU;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final int contextSize;
    private final LlamaGraphs.Io io;
    private final List<StagePlan> stages = new ArrayList<>();
    private final float[] logits;
    private TornadoExecutionResult lastResult;
    private long prefillExecutions;

    /**
     * Decode re-executes the same graphs with the same buffers every token, which is what CUDA graph replay serves
     * (one submission per graph instead of one per kernel: 22.6 -> 8.3 us per kernel on an H100), so on ptx:N the engine
     * turns it on unless {@code -Dsquall.cudaGraphs} says otherwise.
     */
    private static void useCudaGraphs(String deviceId) {
        if (deviceId.startsWith("ptx:") && System.getProperty(PtxDevice.CUDA_GRAPHS) == null) {
            System.setProperty(PtxDevice.CUDA_GRAPHS, "true");
        }
    }

    /** A device stage (graphs and plan) or a CPU-engine stage (both null). */
    private record StagePlan(Stage spec, LlamaGraphs.StageGraphs graphs, TornadoExecutionPlan plan) {
        boolean onCpu() {
            return plan == null;
        }
    }

    /** Runs the CPU stages' layers (and the embedding/classifier when they are on the CPU); null when none is. */
    private final CpuEngine cpu;

    private final float[] hidden;
    private final boolean embedOnCpu;
    private final boolean classifyOnCpu;

    /** All layers on {@code deviceId}. */
    public static AcceleratedEngine onDevice(
            LlamaModel model, int contextSize, String deviceId, Consumer<String> progress) {
        return new AcceleratedEngine(
                model,
                contextSize,
                List.of(new Stage(deviceId, 0, model.config().layers())),
                progress);
    }

    /**
     * @param stages consecutive layer ranges covering 0..layers, each on its device ({@code cpu}: the CPU engine);
     *               the embedding runs with the first stage, the classifier with the last
     * @param progress receives short steps (may be null)
     */
    public AcceleratedEngine(LlamaModel model, int contextSize, List<Stage> stages, Consumer<String> progress) {
        this(model, contextSize, stages, null, null, progress, null);
    }

    /**
     * @param embeddingDevice where the embedding lookup runs: the first stage's device or {@code cpu}; null: the first stage's
     * @param outputDevice    where the final norm and classifier run: the last stage's device or {@code cpu}; null: the last stage's
     * @param matVecShape     the layout of the products on every stage; null: by device type (tests force both)
     */
    public AcceleratedEngine(
            LlamaModel model,
            int contextSize,
            List<Stage> stages,
            String embeddingDevice,
            String outputDevice,
            Consumer<String> progress,
            LlamaGraphs.MatVecShape matVecShape) {
        this(model, contextSize, stages, embeddingDevice, outputDevice, progress, matVecShape, PREFILL_BATCH);
    }

    /** @param prefillBatch prompt tokens per batched prefill execution where the placement allows it; 0: token by token */
    public AcceleratedEngine(
            LlamaModel model,
            int contextSize,
            List<Stage> stages,
            String embeddingDevice,
            String outputDevice,
            Consumer<String> progress,
            LlamaGraphs.MatVecShape matVecShape,
            int prefillBatch) {
        Consumer<String> log = progress != null ? progress : s -> {};
        CpuEngine.endWarmUp(); // the CPU kernels' warm-up would take cores from the devices' compiles
        this.model = model;
        this.c = model.config();
        if (contextSize <= 0 || contextSize > c.contextLength()) {
            throw new IllegalArgumentException("context size " + contextSize + " must be in 1.." + c.contextLength()
                    + " (the model's context_length)");
        }
        if ((long) contextSize * c.kvDim() > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("context size " + contextSize
                    + " needs a key cache of more than 2^31 floats per layer; use a smaller one");
        }
        checkCoverage(stages, c.layers());
        String firstDevice = stages.getFirst().deviceId();
        String lastDevice = stages.getLast().deviceId();
        this.embedOnCpu = onCpu(embeddingDevice, firstDevice);
        this.classifyOnCpu = onCpu(outputDevice, lastDevice);
        if (embeddingDevice != null && !embeddingDevice.equals(firstDevice) && !embedOnCpu) {
            throw new IllegalArgumentException(
                    "embedding on " + embeddingDevice + ": the accelerated engine runs it on the first stage's device ("
                            + firstDevice + ") or on the cpu");
        }
        if (outputDevice != null && !outputDevice.equals(lastDevice) && !classifyOnCpu) {
            throw new IllegalArgumentException("output on " + outputDevice
                    + ": the accelerated engine runs it on the last stage's device (" + lastDevice + ") or on the cpu");
        }
        boolean anyCpu = embedOnCpu || classifyOnCpu || stages.stream().anyMatch(st -> CPU.equals(st.deviceId()));
        this.cpu = anyCpu
                ? new CpuEngine(model, contextSize, false)
                : null; // float x: the CPU engine as the devices compute
        this.hidden = new float[c.dim()];
        this.contextSize = contextSize;
        this.logits = new float[c.vocabSize()];
        LlamaShape shape = shape(c, contextSize);
        this.io = LlamaGraphs.Io.create(shape);
        FloatArray[] rope = ropeTables();
        GGUFFile gguf = model.gguf();
        try {
            for (int si = 0; si < stages.size(); si++) {
                Stage spec = stages.get(si);
                if (CPU.equals(spec.deviceId())) {
                    log.accept("stage " + (si + 1) + "/" + stages.size() + ": layers " + spec.firstLayer() + ".."
                            + (spec.endLayer() - 1) + " on the CPU engine");
                    this.stages.add(new StagePlan(spec, null, null));
                    continue;
                }
                TornadoDevice device = TornadoExecutionPlan.getDevice(spec.deviceId());
                log.accept("stage " + (si + 1) + "/" + stages.size() + ": layers " + spec.firstLayer() + ".."
                        + (spec.endLayer() - 1) + " on " + spec.deviceId());
                LlamaGraphs.StageWeights sw = stageWeights(
                        c,
                        spec,
                        si == 0 && !embedOnCpu,
                        si == stages.size() - 1 && !classifyOnCpu,
                        name -> weight(gguf, name),
                        l -> FloatArray.fromArray(model.layer(l).attentionNorm()),
                        l -> FloatArray.fromArray(model.layer(l).ffnNorm()),
                        FloatArray.fromArray(model.outputNorm()));
                List<FloatArray> keys = new ArrayList<>();
                List<FloatArray> values = new ArrayList<>();
                for (int l = spec.firstLayer(); l < spec.endLayer(); l++) {
                    keys.add(new FloatArray(contextSize * c.kvDim()));
                    values.add(new FloatArray(contextSize * c.kvDim()));
                }
                int batch = stages.size() == 1 && LlamaGraphs.supportsPrefill(sw, c.layers())
                        ? prefillBatch(c, contextSize, prefillBatch)
                        : 0;
                this.stages.add(
                        devicePlan("s" + si, spec, device, shape, io, sw, keys, values, rope, matVecShape, batch));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (Boolean.parseBoolean(System.getProperty(PRECOMPILE, "true"))) {
            precompileInBackground();
        }
    }

    /**
     * Starts compiling, on a daemon thread, the device kernels that an engine for {@code device} (a --device value) will
     * run for the model in {@code gguf}, from the file's configuration alone: a cold start then compiles while the rest
     * of the model loads (the tokenizer, the norms) instead of after it (1B Q8_0 on PoCL: ~1 s of the JIT and driver
     * builds before the first prompt chunk could run). The graphs are built over placeholder arrays with the model's
     * shapes and formats, so their kernels (cached by method, argument types, specialized scalars and options:
     * KernelCache) are the ones the engine's plans then find compiled. Returns null, starting nothing, when
     * {@code squall.accel.precompile} is false or the placement puts nothing on a device; failures are left to the
     * engine, which compiles again and reports them.
     */
    public static Thread precompileAhead(GGUFFile gguf, LlamaConfig c, int contextSize, String device) {
        if (!Boolean.parseBoolean(System.getProperty(PRECOMPILE, "true")) || Stage.CPU.equals(device)) {
            return null;
        }
        return Thread.ofPlatform().daemon().name("squall-precompile-ahead").start(() -> {
            try {
                io.squall.device.placement.Placement p = Engines.place(gguf, c, contextSize, device);
                List<Stage> stages = p.stages();
                if (p.cpuOnly()) {
                    LlamaModel.warmUpCpuKernels(gguf, c);
                    return;
                }
                CpuEngine.endWarmUp(); // as the engine will: the devices' compiles need the cores
                boolean embedOnCpu =
                        onCpu(p.embeddingDevice(), stages.getFirst().deviceId());
                boolean classifyOnCpu = onCpu(p.outputDevice(), stages.getLast().deviceId());
                LlamaShape shape = shape(c, contextSize);
                for (int si = 0; si < stages.size(); si++) {
                    Stage spec = stages.get(si);
                    if (CPU.equals(spec.deviceId())) {
                        continue;
                    }
                    LlamaGraphs.StageWeights sw = stageWeights(
                            c,
                            spec,
                            si == 0 && !embedOnCpu,
                            si == stages.size() - 1 && !classifyOnCpu,
                            name -> placeholder(gguf, name),
                            l -> new FloatArray(1),
                            l -> new FloatArray(1),
                            new FloatArray(1));
                    List<FloatArray> keys = new ArrayList<>();
                    List<FloatArray> values = new ArrayList<>();
                    for (int l = spec.firstLayer(); l < spec.endLayer(); l++) {
                        keys.add(new FloatArray(1)); // placeholders, one object per argument as the graphs expect
                        values.add(new FloatArray(1));
                    }
                    int batch = stages.size() == 1 && LlamaGraphs.supportsPrefill(sw, c.layers())
                            ? prefillBatch(c, contextSize, PREFILL_BATCH)
                            : 0;
                    StagePlan s = devicePlan(
                            "s" + si,
                            spec,
                            TornadoExecutionPlan.getDevice(spec.deviceId()),
                            shape,
                            LlamaGraphs.Io.create(shape),
                            sw,
                            keys,
                            values,
                            new FloatArray[] {new FloatArray(1), new FloatArray(1)},
                            null,
                            batch);
                    try (TornadoExecutionPlan plan = s.plan()) {
                        precompile(plan);
                    }
                }
            } catch (RuntimeException | io.squall.api.exceptions.TornadoExecutionPlanException e) {
                // the engine compiles again and reports it
            }
        });
    }

    /** Compiles a stage plan's graphs in the order a prompt needs them: prefill, head, forward (those it has). */
    private static void precompile(TornadoExecutionPlan plan) {
        for (int graph : List.of(2, 1, 0)) {
            try {
                plan.withPreCompilation(graph);
            } catch (RuntimeException e) {
                // a graph this stage does not have, a closed plan, or a compile error the execution reports
            }
        }
    }

    /** {@code squall.accel.precompile}: whether the engine compiles its graphs in the background as it starts (default true). */
    public static final String PRECOMPILE = "squall.accel.precompile";

    /**
     * Compiles the stages' graphs on a daemon thread, in the order a prompt needs them (prefill, head, forward), while
     * the caller goes on (tokenizing, the prompt's embeddings); an execution waits for a graph being compiled, since a
     * plan's methods are synchronized, and compiles what is still missing itself. The tasks of a graph compile side
     * by side (Squall's JIT of one kernel while the driver builds another: on PoCL a cold 1B prefill graph spent
     * 0.7 s in the JIT and 0.4 s in the driver, one after the other). A failure here is left to the execution, which
     * compiles again and reports it.
     */
    private void precompileInBackground() {
        List<TornadoExecutionPlan> plans =
                stages.stream().filter(s -> !s.onCpu()).map(StagePlan::plan).toList();
        Thread.ofPlatform().daemon().name("squall-precompile").start(() -> {
            for (TornadoExecutionPlan plan : plans) {
                precompile(plan);
            }
        });
    }

    /**
     * Whether a stage's plan folds its scalar arguments into the kernels. The kernels take the weight format as an
     * argument; specialized, it is a constant and each compiled kernel keeps only its format's code (measured on PoCL:
     * the Q8_0 matvec unspecialized, with every format's switch left in its block loop, is several times slower). A
     * plan's scalars never change, so this is safe. Not when the kernels are emitted for an ahead-of-time build
     * ({@code tornado --emit}) or must come from such binaries (JIT disabled on the device): a binary then serves any
     * model and format, and binaries are never specialized.
     */
    private static boolean specialize(String deviceId) {
        return System.getProperty(RuntimeOptions.EMIT) == null && !KernelCache.jitDisabled(Devices.get(deviceId));
    }

    /** {@code squall.accel.fastMath}: {@code auto} (default), {@code true} or {@code false}. */
    public static final String FAST_MATH = "squall.accel.fastMath";

    /**
     * Whether this stage's kernels are compiled with relaxed math. {@code auto}: on CPU-type OpenCL devices (PoCL), where
     * Java's strict summation order keeps the compiler from vectorizing the dot-product loops (measured 5x slower matvec);
     * the CPU engine reorders its sums too, so this costs nothing against it. GPUs reduce across lanes either way.
     */
    private static boolean relaxedMath(TornadoDevice device) {
        String mode = System.getProperty(FAST_MATH, "auto");
        return switch (mode) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> device.getDeviceType() == TornadoDeviceType.CPU;
            default ->
                throw new IllegalArgumentException("-D" + FAST_MATH + "=" + mode + ": expected auto, true or false");
        };
    }

    /**
     * The chunk size, capped so that the chunk's attention scores ([batch][heads][context] floats) stay within 64 MB;
     * 0 (token by token) when not even 2 tokens fit or none was asked for.
     */
    private static int prefillBatch(LlamaConfig c, int contextSize, int requested) {
        long perToken = (long) c.heads() * contextSize;
        int batch = (int) Math.min(Math.max(0, requested), (1L << 24) / perToken);
        return batch >= 2 ? batch : 0;
    }

    private static void checkCoverage(List<Stage> stages, int layers) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("the accelerated engine needs at least one stage");
        }
        int next = 0;
        for (Stage s : stages) {
            if (s.firstLayer() != next) {
                throw new IllegalArgumentException("stage on " + s.deviceId() + " starts at layer " + s.firstLayer()
                        + ", expected " + next + " (stages must cover the layers in order, without gaps or overlaps)");
            }
            next = s.endLayer();
        }
        if (next != layers) {
            throw new IllegalArgumentException(
                    "the stages end at layer " + next + ", the model has " + layers + " layers");
        }
    }

    /** The device view of a GGUF tensor (no copy). */
    private static DeviceWeight weight(GGUFFile gguf, String name) {
        return deviceWeight(gguf, name, true);
    }

    /**
     * A GGUF tensor's format and shape over a one-byte array: what the kernels are compiled for, without its data
     * ({@link #precompileAhead}).
     */
    private static DeviceWeight placeholder(GGUFFile gguf, String name) {
        return deviceWeight(gguf, name, false);
    }

    private static DeviceWeight deviceWeight(GGUFFile gguf, String name, boolean withData) {
        TensorInfo t = gguf.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": missing tensor " + name);
        }
        int cols = (int) t.dims()[0];
        int rows = (int) (t.elementCount() / cols);
        BlockFormat format;
        try {
            format = BlockFormat.forKernels(t.type().name(), name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gguf.name() + ": " + e.getMessage(), e);
        }
        return withData
                ? DeviceWeight.of(name, format, gguf.tensorData(t), rows, cols)
                : new DeviceWeight(name, format, new ByteArray(1), rows, cols);
    }

    /** Whether the embedding or the classifier runs on the CPU: {@code device} as placed, else its stage's device. */
    private static boolean onCpu(String device, String stageDevice) {
        return CPU.equals(device != null ? device : stageDevice);
    }

    /** The kernels' shape of a model with a window of {@code contextSize} tokens. */
    private static LlamaShape shape(LlamaConfig c, int contextSize) {
        return new LlamaShape(
                c.dim(),
                c.heads(),
                c.kvHeads(),
                c.headSize(),
                c.ffnDim(),
                c.ropeDims(),
                c.vocabSize(),
                c.rmsEpsilon(),
                contextSize);
    }

    /**
     * A stage's weights: the layers of {@code spec} (tensors by GGUF name through {@code weight}, their norms through
     * {@code attentionNorm} and {@code ffnNorm}), the embedding when {@code first}, the output norm and classifier when
     * {@code last}.
     */
    private static LlamaGraphs.StageWeights stageWeights(
            LlamaConfig c,
            Stage spec,
            boolean first,
            boolean last,
            java.util.function.Function<String, DeviceWeight> weight,
            java.util.function.IntFunction<FloatArray> attentionNorm,
            java.util.function.IntFunction<FloatArray> ffnNorm,
            FloatArray outputNorm) {
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = spec.firstLayer(); l < spec.endLayer(); l++) {
            String p = "blk." + l + ".";
            layers.add(new LayerWeights(
                    attentionNorm.apply(l),
                    weight.apply(p + "attn_q.weight"),
                    weight.apply(p + "attn_k.weight"),
                    weight.apply(p + "attn_v.weight"),
                    weight.apply(p + "attn_output.weight"),
                    ffnNorm.apply(l),
                    weight.apply(p + "ffn_gate.weight"),
                    weight.apply(p + "ffn_up.weight"),
                    weight.apply(p + "ffn_down.weight")));
        }
        return new LlamaGraphs.StageWeights(
                first ? weight.apply(LlamaConfig.TOKEN_EMBEDDING) : null,
                layers,
                spec.firstLayer(),
                last ? outputNorm : null,
                last ? weight.apply(c.outputTensor()) : null);
    }

    /** A device stage's graphs and its plan, compiled as the engine runs them (not yet: see {@link #precompile}). */
    private static StagePlan devicePlan(
            String name,
            Stage spec,
            TornadoDevice device,
            LlamaShape shape,
            LlamaGraphs.Io io,
            LlamaGraphs.StageWeights weights,
            List<FloatArray> keys,
            List<FloatArray> values,
            FloatArray[] rope,
            LlamaGraphs.MatVecShape matVecShape,
            int prefillBatch) {
        LlamaGraphs.StageGraphs graphs = LlamaGraphs.build(
                name,
                shape,
                io,
                weights,
                keys,
                values,
                rope[0],
                rope[1],
                matVecShape != null
                        ? matVecShape
                        : MATVEC_SHAPE != null ? MATVEC_SHAPE : LlamaGraphs.MatVecShape.forDevice(device),
                prefillBatch);
        TornadoExecutionPlan plan = new TornadoExecutionPlan(
                        graphs.graphs().toArray(new io.squall.api.ImmutableTaskGraph[0]))
                .withDevice(device)
                .withGridScheduler(graphs.grids());
        if (specialize(spec.deviceId())) {
            plan.withCompilerFlags("-specialize");
        }
        if (!ACCESS_GUARDS) {
            plan.withoutAccessGuards();
        }
        if (relaxedMath(device)) {
            plan.withCompilerFlags("-fast-math");
        }
        useCudaGraphs(spec.deviceId());
        return new StagePlan(spec, graphs, plan);
    }

    /** Whether the device kernels read tensors of {@code type} (the CPU engine reads every type Squall knows). */
    public static boolean devicesSupport(io.squall.model.tensor.GGMLType type) {
        return type.format().hasKernels();
    }

    /** cos and sin of position x frequency, [contextSize][ropeDims/2], in double like the CPU engine, then rounded. */
    private FloatArray[] ropeTables() {
        int half = c.ropeDims() / 2;
        FloatArray cos = new FloatArray(contextSize * half);
        FloatArray sin = new FloatArray(contextSize * half);
        double[] inverseFrequencies = c.ropeInverseFrequencies(); // as the CPU engine: factors and scaling applied
        double magnitude = c.ropeMagnitude();
        for (int i = 0; i < half; i++) {
            double inv = inverseFrequencies[i];
            for (int p = 0; p < contextSize; p++) {
                cos.set(p * half + i, (float) (Math.cos(p * inv) * magnitude));
                sin.set(p * half + i, (float) (Math.sin(p * inv) * magnitude));
            }
        }
        return new FloatArray[] {cos, sin};
    }

    @Override
    public LlamaModel model() {
        return model;
    }

    @Override
    public int contextSize() {
        return contextSize;
    }

    /** The stages as placed (device and layer range each). */
    public List<Stage> stages() {
        return stages.stream().map(StagePlan::spec).toList();
    }

    @Override
    public float[] forward(int token, int pos) {
        TornadoExecutionResult result = step(token, pos, true);
        if (classifyOnCpu) {
            return cpu.classify(hidden);
        }
        result.transferToHost(io.logits());
        lastResult = result;
        MemorySegment.copy(io.logits().getSegment(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
        return logits;
    }

    @Override
    public int forwardGreedy(int token, int pos) {
        if (classifyOnCpu) {
            return InferenceEngine.super.forwardGreedy(token, pos);
        }
        TornadoExecutionResult result = step(token, pos, true);
        lastResult = result;
        int chosen = io.token().get(0);
        if (chosen < 0 || chosen >= logits.length) {
            throw new NaNLogitsException(pos); // no logit compared greater than the others'
        }
        // one float back: a NaN row leaves NaN at whatever index the device's argmax settled on
        result.transferToHost(new DataRange(io.logits()).withOffset(chosen).withSize(1));
        if (Float.isNaN(io.logits().get(chosen))) {
            throw new NaNLogitsException(pos);
        }
        return chosen;
    }

    @Override
    public int topKCapacity() {
        return classifyOnCpu ? 0 : io.topIds().getSize();
    }

    /** Picks the top k on the device and copies 8k bytes (ids and logits) back instead of the logits row. */
    @Override
    public int forwardTopK(int token, int pos, int k, int[] ids, float[] values) {
        if (classifyOnCpu) {
            return InferenceEngine.super.forwardTopK(token, pos, k, ids, values);
        }
        io.requestTopK(k);
        TornadoExecutionResult result;
        try {
            result = step(token, pos, true);
        } finally {
            io.requestTopK(0); // greedy steps skip the passes
        }
        if (k == 0) {
            return 0;
        }
        result.transferToHost(new DataRange(io.topIds()).withSize(k), new DataRange(io.topValues()).withSize(k));
        lastResult = result;
        int count = 0;
        while (count < k && io.topIds().get(count) >= 0) {
            ids[count] = io.topIds().get(count);
            values[count] = io.topValues().get(count);
            if (Float.isNaN(values[count])) { // relaxed math may let a NaN compare greater: never sample one
                throw new NaNLogitsException(pos);
            }
            count++;
        }
        return count;
    }

    /** Profiles every stage's executions (for tests and benchmarks: transfer bytes, kernel times). */
    public AcceleratedEngine withProfiler(ProfilerMode mode) {
        for (StagePlan s : stages) {
            if (!s.onCpu()) {
                s.plan().withProfiler(mode);
            }
        }
        return this;
    }

    /** The last token step's result on the last device stage, including what was copied back on demand; null before any. */
    public TornadoProfilerResult lastProfile() {
        return lastResult == null ? null : lastResult.getProfilerResult();
    }

    @Override
    public float[] prefill(int[] tokens, int from, int count, int startPos) {
        if (count <= 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkWindow(startPos, count);
        StagePlan only = stages.size() == 1 ? stages.getFirst() : null;
        if (only != null && !only.onCpu() && only.graphs().prefill() != null && count > 1) {
            return prefillInChunks(only, tokens, from, count, startPos);
        }
        for (int i = 0; i < count - 1; i++) {
            step(tokens[from + i], startPos + i, false);
        }
        return forward(tokens[from + count - 1], startPos + count - 1);
    }

    /** ceil(count / batch) executions of the prefill graph (embeddings looked up here), then the classifier once. */
    private float[] prefillInChunks(StagePlan stage, int[] tokens, int from, int count, int startPos) {
        LlamaGraphs.PrefillIo p = stage.graphs().prefill();
        for (int i = 0; i < count; i++) {
            checkToken(tokens[from + i]);
        }
        TornadoExecutionPlan plan = stage.plan();
        for (int done = 0; done < count; done += p.batch()) {
            int n = Math.min(p.batch(), count - done);
            p.chunk().set(0, n);
            p.chunk().set(1, startPos + done);
            for (int j = 0; j < n; j++) {
                model.tokenEmbedding().dequantizeRow(tokens[from + done + j], hidden, 0);
                MemorySegment.copy(
                        hidden,
                        0,
                        p.xs().getSegment(),
                        ValueLayout.JAVA_FLOAT,
                        (long) j * hidden.length * Float.BYTES,
                        hidden.length);
            }
            plan.withGraph(2).execute();
            prefillExecutions++;
        }
        TornadoExecutionResult result = plan.withGraph(1).execute();
        result.transferToHost(io.logits());
        lastResult = result;
        MemorySegment.copy(io.logits().getSegment(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
        return logits;
    }

    /** How many times the batched prefill graph has run (0 when prompts go token by token). */
    public long prefillExecutions() {
        return prefillExecutions;
    }

    private void checkToken(int token) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside the vocabulary 0.." + (c.vocabSize() - 1));
        }
    }

    /**
     * Runs every stage for one token; the classifier only when {@code head}. Returns the last device stage's result
     * (null when the last stage is the CPU's). The hidden state crosses the host between stages on different sides.
     */
    private TornadoExecutionResult step(int token, int pos, boolean head) {
        checkToken(token);
        checkWindow(pos, 1);
        io.set(token, pos);
        if (embedOnCpu) {
            model.tokenEmbedding().dequantizeRow(token, hidden, 0);
            MemorySegment.copy(hidden, 0, io.x().getSegment(), ValueLayout.JAVA_FLOAT, 0, hidden.length);
        }
        TornadoExecutionResult result = null;
        for (StagePlan s : stages) {
            if (s.onCpu()) {
                MemorySegment.copy(io.x().getSegment(), ValueLayout.JAVA_FLOAT, 0, hidden, 0, hidden.length);
                cpu.forwardLayers(hidden, pos, s.spec().firstLayer(), s.spec().endLayer());
                MemorySegment.copy(hidden, 0, io.x().getSegment(), ValueLayout.JAVA_FLOAT, 0, hidden.length);
                result = null;
                continue;
            }
            s.graphs().atPosition(pos);
            if (head && s.graphs().graphs().size() == 2) {
                s.plan().withAllGraphs();
            } else {
                s.plan().withGraph(0);
            }
            result = s.plan().execute();
            if (head && s.graphs().graphs().size() > 2) { // forward, then head; not the prefill graph
                result = s.plan().withGraph(1).execute();
            }
        }
        if (classifyOnCpu) {
            MemorySegment.copy(io.x().getSegment(), ValueLayout.JAVA_FLOAT, 0, hidden, 0, hidden.length);
        }
        return result;
    }

    private void checkWindow(int startPos, int count) {
        if (startPos < 0 || (long) startPos + count > contextSize) {
            throw new ContextWindowExceededException(startPos + count, contextSize, c.contextLength());
        }
    }

    @Override
    public void close() {
        for (StagePlan s : stages) {
            if (!s.onCpu()) {
                try {
                    s.plan().close();
                } catch (io.squall.api.exceptions.TornadoExecutionPlanException e) {
                    throw new IllegalStateException("closing a stage's execution plan: " + e.getMessage(), e);
                }
            }
        }
        stages.clear();
    }
}
