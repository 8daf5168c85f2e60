package io.squall.backend.ptx.driver;

/** Device memory (a CUdeviceptr and its size); pass it as a kernel argument or to the stream's copies. */
public final class CudaBuffer implements AutoCloseable {
    private final CudaContext context;
    private final long address;
    private final long size;
    private boolean closed;

    CudaBuffer(CudaContext context, long address, long size) {
        this.context = context;
        this.address = address;
        this.size = size;
    }

    /** The device address (CUdeviceptr). */
    public long address() {
        if (closed) throw new IllegalStateException("CUDA buffer of " + size + " bytes used after close");
        return address;
    }

    public long size() {
        return size;
    }

    public CudaContext context() {
        return context;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        context.makeCurrent();
        context.api.check(context.api.memFree(address), "cuMemFree_v2");
    }
}
