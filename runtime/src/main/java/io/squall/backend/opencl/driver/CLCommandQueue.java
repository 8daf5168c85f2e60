package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An in-order command queue: transfers and kernel launches, each returning its {@link CLEvent}.
 * Non-blocking transfers keep their host memory reachable until the command completed: the event and this
 * queue hold it until {@link CLEvent#waitFor()} or {@link #finish()}. The caller must still not close an
 * arena whose memory a pending transfer uses.
 */
public final class CLCommandQueue implements AutoCloseable {
    private final CLContext context;
    final MemorySegment handle;
    private final boolean profiling;
    private final List<CLEvent> pending = new ArrayList<>();
    private boolean closed;

    CLCommandQueue(CLContext context, MemorySegment handle, boolean profiling) {
        this.context = context;
        this.handle = handle;
        this.profiling = profiling;
    }

    public boolean profiling() {
        return profiling;
    }

    public CLContext context() {
        return context;
    }

    /** Copies {@code bytes} from host memory {@code src} into {@code dst} at {@code dstOffset}. */
    public CLEvent write(CLBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        checkTransfer("write", dst, dstOffset, src, bytes);
        MemorySegment host = src.isNative() ? src.asSlice(0, bytes) : staged(src, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            int code = context.api.enqueueWriteBuffer(
                    handle, dst.handle, blocking ? CL.TRUE : CL.FALSE, dstOffset, bytes, host, event);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(
                        code,
                        "clEnqueueWriteBuffer",
                        bytes + " bytes at offset " + dstOffset + " of a " + dst.size() + "-byte buffer");
            }
            return track(
                    new CLEvent(context.api, event.get(ADDRESS, 0), "write of " + bytes + " bytes", host, null),
                    blocking);
        }
    }

    /** Copies {@code bytes} from {@code src} at {@code srcOffset} into host memory {@code dst}. */
    public CLEvent read(CLBuffer src, long srcOffset, MemorySegment dst, long bytes, boolean blocking) {
        checkTransfer("read", src, srcOffset, dst, bytes);
        MemorySegment host =
                dst.isNative() ? dst.asSlice(0, bytes) : Arena.ofAuto().allocate(bytes, 16);
        Runnable copyBack = dst.isNative() ? null : () -> MemorySegment.copy(host, 0, dst, 0, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            int code = context.api.enqueueReadBuffer(
                    handle, src.handle, blocking ? CL.TRUE : CL.FALSE, srcOffset, bytes, host, event);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(
                        code,
                        "clEnqueueReadBuffer",
                        bytes + " bytes at offset " + srcOffset + " of a " + src.size() + "-byte buffer");
            }
            return track(
                    new CLEvent(context.api, event.get(ADDRESS, 0), "read of " + bytes + " bytes", host, copyBack),
                    blocking);
        }
    }

    /**
     * Enqueues an ND-range launch of 1 to 3 dimensions. {@code localSize} null lets the driver pick the
     * work-group size; otherwise it has as many dimensions as {@code globalSize}.
     */
    public CLEvent launch(CLKernel kernel, long[] globalSize, long[] localSize) {
        checkOpen();
        int dims = globalSize.length;
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException(
                    "kernel '" + kernel.name() + "': global size needs 1 to 3 dimensions, got " + dims);
        }
        if (localSize != null && localSize.length != dims) {
            throw new IllegalArgumentException("kernel '" + kernel.name() + "': local size has " + localSize.length
                    + " dimensions but global size has " + dims);
        }
        for (int d = 0; d < dims; d++) {
            if (globalSize[d] <= 0 || (localSize != null && localSize[d] <= 0)) {
                throw new IllegalArgumentException("kernel '" + kernel.name()
                        + "': work sizes must be positive, global " + java.util.Arrays.toString(globalSize) + ", local "
                        + java.util.Arrays.toString(localSize));
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment global = arena.allocateFrom(JAVA_LONG, globalSize);
            MemorySegment local = localSize == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, localSize);
            MemorySegment event = arena.allocate(ADDRESS);
            int code = context.api.enqueueNDRangeKernel(handle, kernel.handle, dims, global, local, event);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(
                        code,
                        "clEnqueueNDRangeKernel",
                        "kernel '" + kernel.name() + "', global "
                                + java.util.Arrays.toString(globalSize) + ", local "
                                + (localSize == null ? "driver's choice" : java.util.Arrays.toString(localSize)));
            }
            return new CLEvent(context.api, event.get(ADDRESS, 0), "kernel '" + kernel.name() + "'", null, null);
        }
    }

    /** Submits the queued commands to the device without waiting. */
    public void flush() {
        checkOpen();
        CL.check(context.api.flush(handle), "clFlush");
    }

    /** Waits until every queued command completed, then releases the host memory held by pending transfers. */
    public void finish() {
        checkOpen();
        CL.check(context.api.finish(handle), "clFinish");
        List<CLEvent> done;
        synchronized (pending) {
            done = new ArrayList<>(pending);
            pending.clear();
        }
        for (CLEvent event : done) event.markComplete();
    }

    private CLEvent track(CLEvent event, boolean blocking) {
        if (blocking) {
            event.markComplete();
            return event;
        }
        synchronized (pending) {
            pending.removeIf(CLEvent::isComplete);
            pending.add(event);
        }
        return event;
    }

    private void checkTransfer(String what, CLBuffer buffer, long offset, MemorySegment host, long bytes) {
        checkOpen();
        buffer.checkOpen();
        if (bytes <= 0 || offset < 0 || offset + bytes > buffer.size() || bytes > host.byteSize()) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes at buffer offset " + offset
                    + " is out of bounds: buffer has " + buffer.size() + " bytes, host memory " + host.byteSize());
        }
    }

    private static MemorySegment staged(MemorySegment heap, long bytes) {
        MemorySegment copy = Arena.ofAuto().allocate(bytes, 16);
        MemorySegment.copy(heap, 0, copy, 0, bytes);
        return copy;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("command queue used after close");
    }

    /** Finishes outstanding work, then releases the queue. */
    @Override
    public void close() {
        if (closed) return;
        finish();
        closed = true;
        CL.check(context.api.releaseCommandQueue(handle), "clReleaseCommandQueue");
    }
}
