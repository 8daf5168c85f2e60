package io.squall.model.accel;

import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.common.TornadoDevice;
import io.squall.api.types.arrays.FloatArray;
import io.squall.kernels.graphs.DeviceWeight;
import io.squall.kernels.graphs.LayerWeights;
import io.squall.kernels.graphs.LlamaGraphs;
import io.squall.kernels.graphs.LlamaShape;
import io.squall.kernels.graphs.WeightFormat;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaConfig;
import io.squall.model.llama.LlamaModel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The forward pass as task graphs (io.squall.kernels.graphs.LlamaGraphs) on one or more devices: one execution plan per
 * stage, layer ranges in order (a pipeline: the hidden state crosses to the host once per stage boundary). Weights
 * are views over the mapped GGUF file, copied to their device once; activations and the key/value cache stay on
 * the device. Per token the host writes the token id and position and reads one token id (greedy) or the logits.
 * <p>
 * Not thread-safe: one engine serves one sequence.
 */
public final class AcceleratedEngine implements InferenceEngine {
    private final LlamaModel model;
    private final LlamaConfig c;
    private final int contextSize;
    private final LlamaGraphs.Io io;
    private final List<Stage> stages = new ArrayList<>();
    private final float[] logits;

    private record Stage(StageSpec spec, LlamaGraphs.Stage graphs, TornadoExecutionPlan plan) {
    }

    /** All layers on {@code deviceId}. */
    public static AcceleratedEngine onDevice(LlamaModel model, int contextSize, String deviceId, Consumer<String> progress) {
        return new AcceleratedEngine(model, contextSize, List.of(new StageSpec(deviceId, 0, model.config().layers())), progress);
    }

    /**
     * @param stages consecutive layer ranges covering 0..layers, each on its device
     * @param progress receives short steps (may be null)
     */
    public AcceleratedEngine(LlamaModel model, int contextSize, List<StageSpec> stages, Consumer<String> progress) {
        Consumer<String> log = progress != null ? progress : s -> { };
        this.model = model;
        this.c = model.config();
        if (contextSize <= 0 || contextSize > c.contextLength()) {
            throw new IllegalArgumentException("context size " + contextSize + " must be in 1.." + c.contextLength() + " (the model's context_length)");
        }
        if ((long) contextSize * c.kvDim() > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("context size " + contextSize + " needs a key cache of more than 2^31 floats per layer; use a smaller one");
        }
        checkCoverage(stages, c.layers());
        this.contextSize = contextSize;
        this.logits = new float[c.vocabSize()];
        LlamaShape shape = new LlamaShape(c.dim(), c.heads(), c.kvHeads(), c.headSize(), c.ffnDim(), c.ropeDims(), c.vocabSize(),
                c.rmsEpsilon(), contextSize);
        this.io = LlamaGraphs.Io.create(shape);
        FloatArray[] rope = ropeTables();
        GGUFFile gguf = model.gguf();
        try {
            for (int si = 0; si < stages.size(); si++) {
                StageSpec spec = stages.get(si);
                TornadoDevice device = TornadoExecutionPlan.getDevice(spec.deviceId());
                log.accept("stage " + (si + 1) + "/" + stages.size() + ": layers " + spec.firstLayer() + ".." + (spec.endLayer() - 1)
                        + " on " + spec.deviceId());
                List<LayerWeights> layers = new ArrayList<>();
                List<FloatArray> keys = new ArrayList<>();
                List<FloatArray> values = new ArrayList<>();
                for (int l = spec.firstLayer(); l < spec.endLayer(); l++) {
                    LlamaModel.Layer w = model.layer(l);
                    layers.add(new LayerWeights(FloatArray.fromArray(w.attentionNorm()), weight(gguf, w.wq().name()), weight(gguf, w.wk().name()),
                            weight(gguf, w.wv().name()), weight(gguf, w.wo().name()), FloatArray.fromArray(w.ffnNorm()),
                            weight(gguf, w.gate().name()), weight(gguf, w.up().name()), weight(gguf, w.down().name())));
                    keys.add(new FloatArray(contextSize * c.kvDim()));
                    values.add(new FloatArray(contextSize * c.kvDim()));
                }
                boolean first = si == 0;
                boolean last = si == stages.size() - 1;
                LlamaGraphs.StageWeights sw = new LlamaGraphs.StageWeights(
                        first ? weight(gguf, model.tokenEmbedding().name()) : null, layers, spec.firstLayer(),
                        last ? FloatArray.fromArray(model.outputNorm()) : null, last ? weight(gguf, model.output().name()) : null);
                LlamaGraphs.Stage graphs = LlamaGraphs.build("s" + si, shape, io, sw, keys, values, rope[0], rope[1]);
                TornadoExecutionPlan plan = new TornadoExecutionPlan(graphs.graphs().toArray(new io.squall.api.ImmutableTaskGraph[0]))
                        .withDevice(device).withGridScheduler(graphs.grids());
                this.stages.add(new Stage(spec, graphs, plan));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static void checkCoverage(List<StageSpec> stages, int layers) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("the accelerated engine needs at least one stage");
        }
        int next = 0;
        for (StageSpec s : stages) {
            if (s.firstLayer() != next) {
                throw new IllegalArgumentException("stage on " + s.deviceId() + " starts at layer " + s.firstLayer() + ", expected " + next
                        + " (stages must cover the layers in order, without gaps or overlaps)");
            }
            next = s.endLayer();
        }
        if (next != layers) {
            throw new IllegalArgumentException("the stages end at layer " + next + ", the model has " + layers + " layers");
        }
    }

    /** The device view of a GGUF tensor (no copy). */
    private static DeviceWeight weight(GGUFFile gguf, String name) {
        TensorInfo t = gguf.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": missing tensor " + name);
        }
        int cols = (int) t.dims()[0];
        int rows = (int) (t.elementCount() / cols);
        return DeviceWeight.of(name, WeightFormat.of(t.type().name(), name), gguf.tensorData(t), rows, cols);
    }

    /** cos and sin of position x frequency, [contextSize][ropeDims/2], in double like the CPU engine, then rounded. */
    private FloatArray[] ropeTables() {
        int half = c.ropeDims() / 2;
        FloatArray cos = new FloatArray(contextSize * half);
        FloatArray sin = new FloatArray(contextSize * half);
        for (int i = 0; i < half; i++) {
            double f = Math.pow(c.ropeBase(), -2.0 * i / c.ropeDims());
            double inv = c.ropeFreqFactors() == null ? f : f / c.ropeFreqFactors()[i];
            for (int p = 0; p < contextSize; p++) {
                cos.set(p * half + i, (float) Math.cos(p * inv));
                sin.set(p * half + i, (float) Math.sin(p * inv));
            }
        }
        return new FloatArray[]{cos, sin};
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
    public List<StageSpec> stages() {
        return stages.stream().map(Stage::spec).toList();
    }

    @Override
    public float[] forward(int token, int pos) {
        TornadoExecutionResult result = step(token, pos, true);
        result.transferToHost(io.logits());
        MemorySegment.copy(io.logits().getSegment(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
        return logits;
    }

    @Override
    public int forwardGreedy(int token, int pos) {
        step(token, pos, true);
        return io.token().get(0);
    }

    @Override
    public float[] prefill(int[] tokens, int from, int count, int startPos) {
        if (count <= 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkWindow(startPos, count);
        for (int i = 0; i < count - 1; i++) {
            step(tokens[from + i], startPos + i, false);
        }
        return forward(tokens[from + count - 1], startPos + count - 1);
    }

    /** Runs every stage for one token; the classifier only when {@code head}. Returns the last stage's result. */
    private TornadoExecutionResult step(int token, int pos, boolean head) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary 0.." + (c.vocabSize() - 1));
        }
        checkWindow(pos, 1);
        io.set(token, pos);
        TornadoExecutionResult result = null;
        for (Stage s : stages) {
            s.graphs().atPosition(pos);
            if (head) {
                s.plan().withAllGraphs();
            } else {
                s.plan().withGraph(0);
            }
            result = s.plan().execute();
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
        for (Stage s : stages) {
            s.plan().close();
        }
        stages.clear();
    }
}
