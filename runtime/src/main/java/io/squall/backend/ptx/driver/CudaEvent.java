package io.squall.backend.ptx.driver;

import java.lang.foreign.MemorySegment;

/** A timing event: record it on a stream, synchronize, and measure the time between two of them. */
public final class CudaEvent implements AutoCloseable {
    private final CudaContext context;
    final MemorySegment handle;
    private boolean closed;

    CudaEvent(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** Records the event at the current end of {@code stream}'s work. */
    public void record(CudaStream stream) {
        checkOpen();
        context.makeCurrent();
        context.api.check(context.api.eventRecord(handle, stream.handle), "cuEventRecord");
    }

    /** Waits until the work before the recorded point completed. */
    public void synchronize() {
        checkOpen();
        context.makeCurrent();
        context.api.check(context.api.eventSynchronize(handle), "cuEventSynchronize");
    }

    /** Milliseconds from this event to {@code end}, both recorded and completed (about 0.5 us resolution). */
    public float elapsedMillis(CudaEvent end) {
        checkOpen();
        end.synchronize();
        return CU.Api.elapsed(context.api, handle, end.handle);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CUDA event used after close");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        context.makeCurrent();
        context.api.check(context.api.eventDestroy(handle), "cuEventDestroy_v2");
    }
}
