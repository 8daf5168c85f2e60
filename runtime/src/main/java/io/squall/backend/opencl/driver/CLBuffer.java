package io.squall.backend.opencl.driver;

import java.lang.foreign.MemorySegment;

/** A read-write device buffer (cl_mem). */
public final class CLBuffer implements AutoCloseable {
    private final CLContext context;
    final MemorySegment handle;
    private final long size;
    private boolean closed;

    CLBuffer(CLContext context, MemorySegment handle, long size) {
        this.context = context;
        this.handle = handle;
        this.size = size;
    }

    /** Size in bytes. */
    public long size() {
        return size;
    }

    public CLContext context() {
        return context;
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("CL buffer of " + size + " bytes used after close");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CL.check(context.api.releaseMemObject(handle), "clReleaseMemObject");
    }
}
