package io.squall.backend.ptx.driver;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Work captured from a stream ({@link CudaStream#beginCapture()} .. {@link CudaStream#endCapture()}), instantiated
 * once and replayed with one launch: the copies and kernels of a whole task-graph execution for the cost of a
 * single submission. Kernel arguments are frozen at capture; the host memory of captured copies is re-read
 * (and written) on every replay, so updating it between replays feeds new inputs.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaContext context;
    private final MemorySegment graph;
    private final MemorySegment exec;

    @SuppressWarnings("unused") // keeps the captured copies' host memory reachable while the graph can replay
    private final List<Object> hostMemory;

    private boolean closed;

    CudaGraph(CudaContext context, MemorySegment graph, MemorySegment exec, List<Object> hostMemory) {
        this.context = context;
        this.graph = graph;
        this.exec = exec;
        this.hostMemory = List.copyOf(hostMemory);
    }

    /** Enqueues one replay on {@code stream} (cuGraphLaunch); synchronize the stream to wait for it. */
    public void launch(CudaStream stream) {
        if (closed) throw new IllegalStateException("CUDA graph used after close");
        context.makeCurrent();
        context.api.check(context.api.graphLaunch(exec, stream.handle), "cuGraphLaunch");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        context.makeCurrent();
        context.api.check(context.api.graphExecDestroy(exec), "cuGraphExecDestroy");
        context.api.check(context.api.graphDestroy(graph), "cuGraphDestroy");
    }
}
