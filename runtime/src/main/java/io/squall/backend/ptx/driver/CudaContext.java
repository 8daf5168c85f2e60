package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A device's primary context (the one the CUDA runtime shares), retained on creation and released on close.
 * Every operation makes it current on the calling thread first, so any thread may use it. Creates device and
 * pinned memory, streams and events; modules are loaded with {@link CudaModule#loadPtx(CudaContext, String)}.
 */
public final class CudaContext implements AutoCloseable {
    /** The context this wrapper last made current on each thread; saves a driver call per operation. */
    private static final ThreadLocal<MemorySegment> CURRENT = new ThreadLocal<>();

    final CU.Api api;
    final MemorySegment handle;
    private final CudaDevice device;
    private boolean closed;

    private CudaContext(CudaDevice device, MemorySegment handle) {
        this.api = device.api;
        this.device = device;
        this.handle = handle;
    }

    /** Retains the primary context of {@code device}. */
    public static CudaContext primary(CudaDevice device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            device.api.check(
                    device.api.devicePrimaryCtxRetain(context, device.handle),
                    "cuDevicePrimaryCtxRetain(" + device.name() + ")");
            return new CudaContext(device, context.get(ADDRESS, 0));
        }
    }

    public CudaDevice device() {
        return device;
    }

    /** Makes this context current on the calling thread (cuCtxSetCurrent) unless it already is. */
    void makeCurrent() {
        if (closed) throw new IllegalStateException("CUDA context of " + device.name() + " used after close");
        if (!handle.equals(CURRENT.get())) {
            api.check(api.ctxSetCurrent(handle), "cuCtxSetCurrent");
            CURRENT.set(handle);
        }
    }

    /** Device memory of {@code bytes} bytes (cuMemAlloc_v2). */
    public CudaBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation size must be positive, got " + bytes);
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            int result = api.memAlloc(pointer, bytes);
            if (result != CU.CUDA_SUCCESS) {
                throw api.exception(
                        result, "cuMemAlloc_v2", bytes + " bytes on " + device.name() + " (free " + freeMemory() + ")");
            }
            return new CudaBuffer(this, pointer.get(JAVA_LONG, 0), bytes);
        }
    }

    /** Page-locked host memory of {@code bytes} bytes (cuMemAllocHost_v2): truly asynchronous copies, graph-capturable. */
    public CudaHostBuffer allocateHost(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("pinned allocation size must be positive, got " + bytes);
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(ADDRESS);
            api.check(api.memAllocHost(pointer, bytes), "cuMemAllocHost_v2 (" + bytes + " bytes)");
            return new CudaHostBuffer(this, pointer.get(ADDRESS, 0), bytes);
        }
    }

    /** A new stream that does not synchronise with the legacy default stream. */
    public CudaStream createStream() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = arena.allocate(ADDRESS);
            api.check(api.streamCreate(stream, CU.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            return new CudaStream(this, stream.get(ADDRESS, 0));
        }
    }

    /** A timing event. */
    public CudaEvent createEvent() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            api.check(api.eventCreate(event, CU.CU_EVENT_DEFAULT), "cuEventCreate");
            return new CudaEvent(this, event.get(ADDRESS, 0));
        }
    }

    /** Free device memory in bytes right now (cuMemGetInfo_v2). */
    public long freeMemory() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG), total = arena.allocate(JAVA_LONG);
            api.check(api.memGetInfo(free, total), "cuMemGetInfo_v2");
            return free.get(JAVA_LONG, 0);
        }
    }

    /** Waits for all work in this context (cuCtxSynchronize). */
    public void synchronize() {
        makeCurrent();
        api.check(api.ctxSynchronize(), "cuCtxSynchronize");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (handle.equals(CURRENT.get())) CURRENT.remove();
        api.check(api.devicePrimaryCtxRelease(device.handle), "cuDevicePrimaryCtxRelease_v2");
    }
}
