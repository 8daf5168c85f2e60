package io.squall.kernels.graphs;

import io.squall.api.GridScheduler;
import io.squall.api.ImmutableTaskGraph;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.WorkerGrid1D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.kernels.Activations;
import io.squall.kernels.Attention;
import io.squall.kernels.Embedding;
import io.squall.kernels.MatMatRows;
import io.squall.kernels.MatVec;
import io.squall.kernels.MatVecRows;
import io.squall.kernels.Prefill;
import io.squall.kernels.RmsNorm;
import io.squall.kernels.Rope;
import io.squall.kernels.Sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the decode forward pass of a Llama layer range as task graphs for one device (one execution plan per
 * device). Per token only {@link Io#state} (token id, position) goes in; out comes {@link Io#token} (greedy, argmax
 * on the device), the top-k candidates ({@link Io#topIds}, {@link Io#topValues}) or {@link Io#logits} on demand, or {@link Io#x} (the hidden state) when a later stage continues.
 * Weights move once ({@code FIRST_EXECUTION}); activations and the key/value caches stay on the device (the caches
 * allocated there, never copied in).
 */
public final class LlamaGraphs {
    private LlamaGraphs() {}

    /**
     * How the matrix-vector products are laid out: {@code LANES} ({@link MatVec}: a sub-group-sized set of work-items
     * per row, coalesced; for GPUs) or {@code ROWS} ({@link MatVecRows}: a work-item per row with contiguous inner
     * loops; for the JVM backend and SPIR-V) or {@code VECTOR_ROWS} (the same with Float16 vector values, which OpenCL C
     * compilers for CPUs keep at their full vector width: {@link MatVecRows#matvecVectors}).
     */
    public enum MatVecShape {
        LANES,
        ROWS,
        VECTOR_ROWS;

        /** VECTOR_ROWS for CPU devices of the OpenCL C backend, ROWS for other CPUs and the JVM, LANES for GPUs. */
        public static MatVecShape forDevice(io.squall.api.common.TornadoDevice device) {
            return switch (device.getDeviceType()) {
                case GPU, ACCELERATOR -> LANES;
                default -> device.getBackendName().equals("opencl") ? VECTOR_ROWS : ROWS;
            };
        }
    }

    /** The most top-k candidates the head can pick on the device (k passes over the logits each). */
    public static final int MAX_TOP_K = 256;

    /**
     * Host objects shared by every stage of one engine: what crosses between host and devices. {@code topRequest[0]} is
     * how many top-k candidates the head picks into {@code topIds}/{@code topValues} (0: none, the greedy step's cost).
     */
    public record Io(
            IntArray state,
            FloatArray x,
            IntArray token,
            FloatArray logits,
            IntArray topRequest,
            IntArray topIds,
            FloatArray topValues) {
        public static Io create(LlamaShape shape) {
            int capacity = Math.min(MAX_TOP_K, shape.vocabSize());
            return new Io(
                    new IntArray(2),
                    new FloatArray(shape.dim()),
                    new IntArray(1),
                    new FloatArray(shape.vocabSize()),
                    new IntArray(1),
                    new IntArray(capacity),
                    new FloatArray(capacity));
        }

        /** How many top-k candidates the next head execution picks on the device (0..capacity). */
        public void requestTopK(int k) {
            if (k < 0 || k > topIds.getSize()) {
                throw new IllegalArgumentException("top-k " + k + " on the device must be in 0.." + topIds.getSize());
            }
            topRequest.set(0, k);
        }

        /** Sets the token id and position for the next execution. */
        public void set(int tokenId, int position) {
            state.set(0, tokenId);
            state.set(1, position);
        }
    }

    /**
     * Inputs of the batched prefill graph: {@code chunk} = {token count, first position}, {@code xs} = the chunk's
     * embeddings ([batch][dim], looked up on the host). Out: the last token's hidden state in {@link Io#x}, on the device.
     */
    public record PrefillIo(int batch, IntArray chunk, FloatArray xs) {
        public static PrefillIo create(LlamaShape shape, int batch) {
            return new PrefillIo(batch, new IntArray(2), new FloatArray(batch * shape.dim()));
        }
    }

    /**
     * Whether a stage can run the prompt in chunks: it holds every layer and the classifier (the chunk's last hidden
     * state goes straight to the head). {@link MatMatRows} covers every weight format.
     */
    public static boolean supportsPrefill(StageWeights w, int layers) {
        return w.last() && w.firstLayer() == 0 && w.layers().size() == layers;
    }

    /** What one device runs. {@code first}: the embedding; {@code last}: final norm, classifier and argmax. */
    public record StageWeights(
            DeviceWeight embedding,
            List<LayerWeights> layers,
            int firstLayer,
            FloatArray outputNorm,
            DeviceWeight output) {
        public boolean first() {
            return embedding != null;
        }

        public boolean last() {
            return output != null;
        }
    }

    /**
     * The stage's graphs: {@code forward} (embedding if first, its layers) and, on the last stage, {@code head}.
     * {@link #atPosition} must be called before each execution (it sizes the attention grids).
     */
    public static final class StageGraphs {
        private final List<ImmutableTaskGraph> graphs;
        private final GridScheduler grids;
        private final List<WorkerGrid1D> attentionGrids;
        private final LlamaShape shape;
        private final PrefillIo prefill;

        StageGraphs(
                List<ImmutableTaskGraph> graphs,
                GridScheduler grids,
                List<WorkerGrid1D> attentionGrids,
                LlamaShape shape,
                PrefillIo prefill) {
            this.graphs = graphs;
            this.grids = grids;
            this.attentionGrids = attentionGrids;
            this.shape = shape;
            this.prefill = prefill;
        }

        /** forward (index 0) and, on the last stage, head (index 1); with batched prefill, prefill (index 2). */
        public List<ImmutableTaskGraph> graphs() {
            return graphs;
        }

        /** The batched prefill graph's inputs; null when the stage has none (see {@link #supportsPrefill}). */
        public PrefillIo prefill() {
            return prefill;
        }

        public GridScheduler grids() {
            return grids;
        }

        public void atPosition(int pos) {
            long global = (long) shape.attentionSplits(pos) * shape.heads() * Attention.LANES;
            for (WorkerGrid1D g : attentionGrids) {
                g.setGlobalWork(global);
            }
        }
    }

    /**
     * @param name     unique prefix for the graph names (one stage per device)
     * @param keyCache one array per layer of the stage, contextSize x kvDim (and valueCache alike)
     * @param ropeCos  [contextSize][ropeDims/2] (ropeSin alike)
     */
    public static StageGraphs build(
            String name,
            LlamaShape s,
            Io io,
            StageWeights w,
            List<FloatArray> keyCache,
            List<FloatArray> valueCache,
            FloatArray ropeCos,
            FloatArray ropeSin,
            MatVecShape shape) {
        return build(name, s, io, w, keyCache, valueCache, ropeCos, ropeSin, shape, 0);
    }

    /**
     * @param prefillBatch tokens per execution of a batched prefill graph (index 2); 0: none. Needs
     *                     {@link #supportsPrefill}.
     */
    public static StageGraphs build(
            String name,
            LlamaShape s,
            Io io,
            StageWeights w,
            List<FloatArray> keyCache,
            List<FloatArray> valueCache,
            FloatArray ropeCos,
            FloatArray ropeSin,
            MatVecShape shape,
            int prefillBatch) {
        GridScheduler grids = new GridScheduler();
        List<WorkerGrid1D> attentionGrids = new ArrayList<>();
        KernelContext ctx = new KernelContext();
        int dim = s.dim();
        int kvDim = s.kvDim();
        FloatArray xb = new FloatArray(dim);
        FloatArray q = new FloatArray(dim);
        FloatArray k = new FloatArray(kvDim);
        FloatArray v = new FloatArray(kvDim);
        FloatArray hb = new FloatArray(s.ffnDim());
        FloatArray hb2 = new FloatArray(s.ffnDim());
        int maxSplits = s.attentionSplits(s.contextSize() - 1);
        FloatArray partials = new FloatArray(maxSplits * s.heads() * Attention.partialStride(s.headSize()));

        String fwdName = name + "_forward";
        TaskGraph fwd = new TaskGraph(fwdName);
        Builder b = new Builder(fwd, grids, ctx, shape);
        fwd.transferToDevice(
                DataTransferMode.EVERY_EXECUTION,
                w.first() ? new Object[] {io.state()} : new Object[] {io.state(), io.x()});
        List<Object> constant = new ArrayList<>(List.of(ropeCos, ropeSin));
        if (w.first()) {
            constant.add(w.embedding().data());
            b.embedding("embed", w.embedding(), io, dim);
        }
        for (int i = 0; i < w.layers().size(); i++) {
            LayerWeights lw = w.layers().get(i);
            String p = "l" + (w.firstLayer() + i) + "_";
            constant.addAll(List.of(
                    lw.attentionNorm(),
                    lw.ffnNorm(),
                    lw.wq().data(),
                    lw.wk().data(),
                    lw.wv().data(),
                    lw.wo().data(),
                    lw.gate().data(),
                    lw.up().data(),
                    lw.down().data()));
            b.rmsNorm(p + "attnNorm", io.x(), lw.attentionNorm(), xb, dim, s.rmsEpsilon());
            // Fused products (one launch for q, k and v; one for gate, up and SiLU) on GPUs only: on CPU devices
            // (PoCL) the fused row kernels ran ~1.3x slower per weight than separate products (1B Q4_0 decode profile,
            // gate+up 106 vs gateUp 135 ms, q+k+v 18 vs qkv 24 ms per token at load 8), launches costing little there.
            boolean fuse = shape == MatVecShape.LANES;
            if (fuse
                    && lw.wq().format() == lw.wk().format()
                    && lw.wk().format() == lw.wv().format()) {
                b.qkv(p + "qkv", lw.wq(), lw.wk(), lw.wv(), xb, q, k, v);
            } else {
                b.matvec(p + "q", lw.wq(), xb, q, false);
                b.matvec(p + "k", lw.wk(), xb, k, false);
                b.matvec(p + "v", lw.wv(), xb, v, false);
            }
            fwd.task(
                    p + "rope",
                    Rope::rotateAndCache,
                    q,
                    k,
                    v,
                    keyCache.get(i),
                    valueCache.get(i),
                    ropeCos,
                    ropeSin,
                    io.state(),
                    dim,
                    kvDim,
                    s.headSize(),
                    s.ropeDims());
            fwd.task(
                    p + "attn",
                    Attention::partials,
                    ctx,
                    q,
                    keyCache.get(i),
                    valueCache.get(i),
                    io.state(),
                    partials,
                    s.heads(),
                    s.kvHeads(),
                    s.headSize());
            WorkerGrid1D attnGrid = new WorkerGrid1D(Attention.LANES);
            attnGrid.setLocalWork(Attention.LANES);
            grids.addWorkerGrid(fwdName + "." + p + "attn", attnGrid);
            attentionGrids.add(attnGrid);
            fwd.task(p + "attnCombine", Attention::combine, partials, io.state(), xb, s.heads(), s.headSize());
            b.matvec(p + "wo", lw.wo(), xb, io.x(), true); // residual add fused
            b.rmsNorm(p + "ffnNorm", io.x(), lw.ffnNorm(), xb, dim, s.rmsEpsilon());
            if (fuse && lw.gate().format() == lw.up().format()) {
                b.swiglu(p + "gateUp", lw.gate(), lw.up(), xb, hb);
            } else {
                b.matvec(p + "gate", lw.gate(), xb, hb, false);
                b.matvec(p + "up", lw.up(), xb, hb2, false);
                fwd.task(p + "silu", Activations::swiglu, hb, hb2, s.ffnDim());
            }
            b.matvec(p + "down", lw.down(), hb, io.x(), true); // residual add fused
        }
        fwd.transferToDevice(DataTransferMode.FIRST_EXECUTION, constant.toArray());
        // The caches are written (by rope) before attention reads them: never copied in (1B, 4096 positions: 0.27 GB).
        fwd.allocateOnDevice(keyCache.toArray());
        fwd.allocateOnDevice(valueCache.toArray());
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        if (w.last()) {
            fwd.persistOnDevice(io.x());
            graphs.add(fwd.snapshot());
            String headName = name + "_head";
            TaskGraph head = new TaskGraph(headName);
            Builder headTasks = new Builder(head, grids, ctx, shape);
            head.consumeFromDevice(fwdName, io.x());
            head.transferToDevice(DataTransferMode.EVERY_EXECUTION, io.topRequest());
            head.transferToDevice(
                    DataTransferMode.FIRST_EXECUTION, w.outputNorm(), w.output().data());
            headTasks.rmsNorm("outNorm", io.x(), w.outputNorm(), xb, dim, s.rmsEpsilon());
            headTasks.matvec("output", w.output(), xb, io.logits(), false);
            head.task("argmax", Sampling::argmax, ctx, io.logits(), io.token(), s.vocabSize());
            WorkerGrid1D argGrid = new WorkerGrid1D(Sampling.GROUP);
            argGrid.setLocalWork(Sampling.GROUP);
            grids.addWorkerGrid(headName + ".argmax", argGrid);
            head.task(
                    "topK",
                    Sampling::topKRequested,
                    ctx,
                    io.logits(),
                    io.topIds(),
                    io.topValues(),
                    io.topRequest(),
                    s.vocabSize(),
                    io.topIds().getSize());
            WorkerGrid1D topGrid = new WorkerGrid1D(Sampling.GROUP);
            topGrid.setLocalWork(Sampling.GROUP);
            grids.addWorkerGrid(headName + ".topK", topGrid);
            head.transferToHost(DataTransferMode.EVERY_EXECUTION, io.token());
            head.transferToHost(DataTransferMode.UNDER_DEMAND, io.logits(), io.topIds(), io.topValues());
            graphs.add(head.snapshot());
        } else {
            fwd.transferToHost(DataTransferMode.EVERY_EXECUTION, io.x());
            graphs.add(fwd.snapshot());
        }
        PrefillIo pio = null;
        if (prefillBatch > 0) {
            if (!supportsPrefill(w, w.layers().size()) || !w.last()) {
                throw new IllegalArgumentException("batched prefill needs every layer and the classifier on one stage");
            }
            pio = PrefillIo.create(s, prefillBatch);
            graphs.add(prefill(
                    name + "_prefill",
                    s,
                    io,
                    pio,
                    w,
                    keyCache,
                    valueCache,
                    ropeCos,
                    ropeSin,
                    grids,
                    ctx,
                    shape == MatVecShape.VECTOR_ROWS));
        }
        return new StageGraphs(List.copyOf(graphs), grids, attentionGrids, s, pio);
    }

    /** The layers over a chunk of prompt tokens: one weight read per {@link MatMatRows#TILE} tokens. */
    private static ImmutableTaskGraph prefill(
            String name,
            LlamaShape s,
            Io io,
            PrefillIo pio,
            StageWeights w,
            List<FloatArray> keyCache,
            List<FloatArray> valueCache,
            FloatArray ropeCos,
            FloatArray ropeSin,
            GridScheduler grids,
            KernelContext ctx,
            boolean vectors) {
        int batch = pio.batch();
        int dim = s.dim();
        int kvDim = s.kvDim();
        FloatArray xb = new FloatArray(batch * dim);
        FloatArray q = new FloatArray(batch * dim);
        FloatArray k = new FloatArray(batch * kvDim);
        FloatArray v = new FloatArray(batch * kvDim);
        FloatArray hb = new FloatArray(batch * s.ffnDim());
        FloatArray hb2 = new FloatArray(batch * s.ffnDim());
        FloatArray scores = new FloatArray(batch * s.heads() * s.contextSize());
        TaskGraph g = new TaskGraph(name);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, pio.chunk(), pio.xs());
        List<Object> constant = new ArrayList<>(List.of(ropeCos, ropeSin));
        for (int i = 0; i < w.layers().size(); i++) {
            LayerWeights lw = w.layers().get(i);
            String p = "l" + (w.firstLayer() + i) + "_";
            constant.addAll(List.of(
                    lw.attentionNorm(),
                    lw.ffnNorm(),
                    lw.wq().data(),
                    lw.wk().data(),
                    lw.wv().data(),
                    lw.wo().data(),
                    lw.gate().data(),
                    lw.up().data(),
                    lw.down().data()));
            batchNorm(g, grids, ctx, p + "attnNorm", pio.xs(), lw.attentionNorm(), xb, batch, dim, s.rmsEpsilon());
            matmat(g, p + "q", lw.wq(), xb, q, pio.chunk(), batch, false, vectors);
            matmat(g, p + "k", lw.wk(), xb, k, pio.chunk(), batch, false, vectors);
            matmat(g, p + "v", lw.wv(), xb, v, pio.chunk(), batch, false, vectors);
            g.task(
                    p + "rope",
                    Prefill::ropeAndCache,
                    q,
                    k,
                    v,
                    keyCache.get(i),
                    valueCache.get(i),
                    ropeCos,
                    ropeSin,
                    pio.chunk(),
                    batch,
                    dim,
                    kvDim,
                    s.headSize(),
                    s.ropeDims());
            g.task(
                    p + "attn",
                    Prefill::attention,
                    q,
                    keyCache.get(i),
                    valueCache.get(i),
                    pio.chunk(),
                    scores,
                    xb,
                    batch,
                    s.heads(),
                    s.kvHeads(),
                    s.headSize(),
                    s.contextSize());
            matmat(g, p + "wo", lw.wo(), xb, pio.xs(), pio.chunk(), batch, true, vectors);
            batchNorm(g, grids, ctx, p + "ffnNorm", pio.xs(), lw.ffnNorm(), xb, batch, dim, s.rmsEpsilon());
            matmat(g, p + "gate", lw.gate(), xb, hb, pio.chunk(), batch, false, vectors);
            matmat(g, p + "up", lw.up(), xb, hb2, pio.chunk(), batch, false, vectors);
            g.task(p + "silu", Activations::swiglu, hb, hb2, batch * s.ffnDim());
            matmat(g, p + "down", lw.down(), hb, pio.xs(), pio.chunk(), batch, true, vectors);
        }
        g.task("last", Prefill::last, pio.xs(), pio.chunk(), io.x(), dim);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, constant.toArray());
        g.allocateOnDevice(keyCache.toArray());
        g.allocateOnDevice(valueCache.toArray());
        return g.snapshot();
    }

    private static void batchNorm(
            TaskGraph g,
            GridScheduler grids,
            KernelContext ctx,
            String id,
            FloatArray x,
            FloatArray weight,
            FloatArray out,
            int batch,
            int n,
            float eps) {
        g.task(id, Prefill::rmsNorm, ctx, x, weight, out, n, eps);
        WorkerGrid1D grid = new WorkerGrid1D(batch * RmsNorm.GROUP);
        grid.setLocalWork(RmsNorm.GROUP);
        grids.addWorkerGrid(g.getTaskGraphName() + "." + id, grid);
    }

    /**
     * A product over the chunk's live vectors only ({@code chunk[0]} of {@code batch}: the last chunk is short); with
     * {@code vectors}, the Float16 form for OpenCL C on CPUs ({@link MatVecShape#VECTOR_ROWS}).
     */
    private static void matmat(
            TaskGraph g,
            String id,
            DeviceWeight w,
            FloatArray x,
            FloatArray out,
            IntArray chunk,
            int batch,
            boolean accumulate,
            boolean vectors) {
        g.task(
                id,
                vectors ? MatMatRows::matmatLiveVectors : MatMatRows::matmatLive,
                w.data(),
                x,
                out,
                chunk,
                w.rows(),
                w.cols(),
                batch,
                accumulate ? 1 : 0,
                w.code());
    }

    /** Adds tasks to one graph, registering the launch grid of each KernelContext task. */
    private record Builder(TaskGraph g, GridScheduler grids, KernelContext ctx, MatVecShape shape) {
        private void grid(String task, int global, int local) {
            WorkerGrid1D grid = new WorkerGrid1D(global);
            grid.setLocalWork(local);
            grids.addWorkerGrid(g.getTaskGraphName() + "." + task, grid);
        }

        void rmsNorm(String id, FloatArray x, FloatArray weight, FloatArray out, int n, float eps) {
            g.task(id, RmsNorm::normalize, ctx, x, weight, out, n, eps);
            grid(id, RmsNorm.GROUP, RmsNorm.GROUP);
        }

        void embedding(String id, DeviceWeight w, Io io, int dim) {
            g.task(id, Embedding::lookup, w.data(), io.state(), io.x(), dim, w.code());
        }

        void matvec(String id, DeviceWeight w, FloatArray x, FloatArray out, boolean accumulate) {
            int acc = accumulate ? 1 : 0;
            if (shape == MatVecShape.VECTOR_ROWS) {
                g.task(id, MatVecRows::matvecVectors, w.data(), x, out, w.rows(), w.cols(), 0, acc, w.code());
            } else if (shape == MatVecShape.ROWS) {
                g.task(id, MatVecRows::matvec, w.data(), x, out, w.rows(), w.cols(), 0, acc, w.code());
            } else {
                g.task(id, MatVec::matvec, ctx, w.data(), x, out, w.rows(), w.cols(), 0, acc, w.code());
                grid(id, MatVec.globalSize(w.rows()), MatVec.GROUP);
            }
        }

        void qkv(
                String id,
                DeviceWeight wq,
                DeviceWeight wk,
                DeviceWeight wv,
                FloatArray x,
                FloatArray q,
                FloatArray k,
                FloatArray v) {
            int dim = wq.rows();
            int kvDim = wk.rows();
            if (shape != MatVecShape.LANES) {
                g.task(
                        id,
                        shape == MatVecShape.VECTOR_ROWS ? MatVecRows::qkvVectors : MatVecRows::qkv,
                        wq.data(),
                        wk.data(),
                        wv.data(),
                        x,
                        q,
                        k,
                        v,
                        dim,
                        kvDim,
                        wq.cols(),
                        wq.code());
            } else {
                g.task(
                        id,
                        MatVec::qkv,
                        ctx,
                        wq.data(),
                        wk.data(),
                        wv.data(),
                        x,
                        q,
                        k,
                        v,
                        dim,
                        kvDim,
                        wq.cols(),
                        wq.code());
                grid(id, MatVec.globalSize(dim + 2 * kvDim), MatVec.GROUP);
            }
        }

        void swiglu(String id, DeviceWeight gate, DeviceWeight up, FloatArray x, FloatArray out) {
            if (shape != MatVecShape.LANES) {
                g.task(
                        id,
                        shape == MatVecShape.VECTOR_ROWS ? MatVecRows::swigluVectors : MatVecRows::swiglu,
                        gate.data(),
                        up.data(),
                        x,
                        out,
                        gate.rows(),
                        gate.cols(),
                        gate.code());
            } else {
                g.task(id, MatVec::swiglu, ctx, gate.data(), up.data(), x, out, gate.rows(), gate.cols(), gate.code());
                grid(id, MatVec.globalSize(gate.rows()), MatVec.GROUP);
            }
        }
    }
}
