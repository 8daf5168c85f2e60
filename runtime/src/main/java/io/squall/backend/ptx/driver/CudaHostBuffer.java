package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked (pinned) host memory from cuMemAllocHost_v2, seen as a {@link MemorySegment}. Closing frees it
 * and invalidates the segment, so a stale access fails in Java instead of touching freed memory.
 */
public final class CudaHostBuffer implements AutoCloseable {
    private final CudaContext context;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;

    CudaHostBuffer(CudaContext context, MemorySegment pointer, long size) {
        this.context = context;
        this.segment = pointer.reinterpret(size, arena, p -> {
            context.makeCurrent();
            context.api.check(context.api.memFreeHost(p), "cuMemFreeHost");
        });
    }

    /** The pinned memory; valid until close. */
    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
