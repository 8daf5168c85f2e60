package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A stream: asynchronous copies and kernel launches in order, graph capture. Host memory of a copy in flight is
 * kept reachable until {@link #synchronize()} (or, for captured copies, as long as the graph lives); the caller
 * must still not close an arena whose memory a pending copy uses. Pinned memory ({@link CudaHostBuffer}) makes
 * copies truly asynchronous; other native memory works, with the driver staging it.
 */
public final class CudaStream implements AutoCloseable {
    private final CudaContext context;
    final MemorySegment handle;
    private final List<Object> inFlight = new ArrayList<>();
    private final List<Runnable> afterSync = new ArrayList<>();
    private boolean capturing;
    private boolean closed;

    CudaStream(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    public CudaContext context() {
        return context;
    }

    /** Copies {@code bytes} of host memory {@code src} to {@code dst} at {@code dstOffset} (cuMemcpyHtoDAsync_v2). */
    public void copyToDevice(CudaBuffer dst, long dstOffset, MemorySegment src, long bytes) {
        checkRange("copy to device", dst, dstOffset, src, bytes);
        MemorySegment host = src.isNative() ? src : staged(src, bytes);
        context.api.check(
                context.api.memcpyHtoDAsync(dst.address() + dstOffset, host, bytes, handle),
                "cuMemcpyHtoDAsync_v2 (" + bytes + " bytes)");
        inFlight.add(host);
    }

    /** Copies {@code bytes} from {@code src} at {@code srcOffset} into host memory {@code dst} (cuMemcpyDtoHAsync_v2). */
    public void copyToHost(MemorySegment dst, CudaBuffer src, long srcOffset, long bytes) {
        checkRange("copy to host", src, srcOffset, dst, bytes);
        MemorySegment host = dst;
        if (!dst.isNative()) {
            if (capturing)
                throw new IllegalArgumentException("a captured copy needs native (preferably pinned) host memory");
            host = Arena.ofAuto().allocate(bytes, 16);
            MemorySegment staging = host;
            afterSync.add(() -> MemorySegment.copy(staging, 0, dst, 0, bytes));
        }
        context.api.check(
                context.api.memcpyDtoHAsync(host, src.address() + srcOffset, bytes, handle),
                "cuMemcpyDtoHAsync_v2 (" + bytes + " bytes)");
        inFlight.add(host);
    }

    /** Device-to-device copy (cuMemcpyDtoDAsync_v2). */
    public void copy(CudaBuffer dst, long dstOffset, CudaBuffer src, long srcOffset, long bytes) {
        if (bytes <= 0
                || dstOffset < 0
                || srcOffset < 0
                || dstOffset + bytes > dst.size()
                || srcOffset + bytes > src.size()) {
            throw new IllegalArgumentException("device copy of " + bytes + " bytes from offset " + srcOffset + " of "
                    + src.size() + " to offset " + dstOffset + " of " + dst.size() + " is out of bounds");
        }
        context.makeCurrent();
        context.api.check(
                context.api.memcpyDtoDAsync(dst.address() + dstOffset, src.address() + srcOffset, bytes, handle),
                "cuMemcpyDtoDAsync_v2");
    }

    /** Sets {@code bytes} bytes of {@code dst} from {@code offset} to {@code value} (cuMemsetD8Async). */
    public void fill(CudaBuffer dst, long offset, long bytes, byte value) {
        if (bytes <= 0 || offset < 0 || offset + bytes > dst.size()) {
            throw new IllegalArgumentException(
                    "fill of " + bytes + " bytes at " + offset + " exceeds the " + dst.size() + "-byte buffer");
        }
        context.makeCurrent();
        context.api.check(context.api.memsetD8Async(dst.address() + offset, value, bytes, handle), "cuMemsetD8Async");
    }

    /**
     * Launches {@code function} on a grid of {@code grid} blocks of {@code block} threads (1 to 3 dimensions each)
     * with {@code sharedBytes} of dynamic shared memory. {@code args} in kernel parameter order: {@link CudaBuffer}
     * or {@link CudaHostBuffer} (passed as a pointer), Integer, Long, Float, Double, Short, Byte.
     */
    public void launch(CudaFunction function, int[] grid, int[] block, int sharedBytes, Object... args) {
        int[] g = dims("grid", function, grid), b = dims("block", function, block);
        if (sharedBytes < 0)
            throw new IllegalArgumentException("negative shared memory size for kernel '" + function.name() + "'");
        context.makeCurrent();
        function.ensureDynamicShared(sharedBytes);
        try (Arena arena = Arena.ofConfined()) {
            // kernelParams: an array of pointers, one per parameter, each to a copy of the argument's value.
            MemorySegment params = arena.allocate(ADDRESS, Math.max(args.length, 1));
            for (int i = 0; i < args.length; i++) {
                params.setAtIndex(ADDRESS, i, argumentValue(arena, function, i, args[i]));
            }
            int result = context.api.launchKernel(
                    function.handle, g[0], g[1], g[2], b[0], b[1], b[2], sharedBytes, handle, params);
            if (result != CU.CUDA_SUCCESS) {
                throw context.api.exception(
                        result,
                        "cuLaunchKernel",
                        "kernel '" + function.name() + "', grid "
                                + Arrays.toString(g) + ", block " + Arrays.toString(b) + ", " + sharedBytes
                                + " bytes shared, "
                                + args.length + " arguments");
            }
        }
    }

    private static MemorySegment argumentValue(Arena arena, CudaFunction function, int index, Object arg) {
        return switch (arg) {
            case CudaBuffer buffer -> arena.allocateFrom(JAVA_LONG, buffer.address());
            case CudaHostBuffer pinned ->
                arena.allocateFrom(JAVA_LONG, pinned.segment().address());
            case Integer v -> arena.allocateFrom(JAVA_INT, v);
            case Long v -> arena.allocateFrom(JAVA_LONG, v);
            case Float v -> arena.allocateFrom(JAVA_FLOAT, v);
            case Double v -> arena.allocateFrom(JAVA_DOUBLE, v);
            case Short v -> arena.allocateFrom(JAVA_SHORT, v);
            case Byte v -> arena.allocateFrom(JAVA_BYTE, v);
            case null ->
                throw new IllegalArgumentException("kernel '" + function.name() + "': argument " + index + " is null");
            default ->
                throw new IllegalArgumentException("kernel '" + function.name() + "': argument " + index + " has type "
                        + arg.getClass().getName() + "; expected CudaBuffer, CudaHostBuffer or a boxed primitive");
        };
    }

    private static int[] dims(String what, CudaFunction function, int[] sizes) {
        if (sizes.length < 1 || sizes.length > 3) {
            throw new IllegalArgumentException(
                    "kernel '" + function.name() + "': " + what + " needs 1 to 3 dimensions, got " + sizes.length);
        }
        int[] padded = {1, 1, 1};
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] <= 0) {
                throw new IllegalArgumentException("kernel '" + function.name() + "': " + what
                        + " sizes must be positive: " + Arrays.toString(sizes));
            }
            padded[d] = sizes[d];
        }
        return padded;
    }

    /** Waits for all work on this stream, then finishes copies into heap memory and drops held host memory. */
    public void synchronize() {
        checkOpen();
        context.makeCurrent();
        context.api.check(context.api.streamSynchronize(handle), "cuStreamSynchronize");
        if (!capturing) {
            inFlight.clear();
            List<Runnable> actions = new ArrayList<>(afterSync);
            afterSync.clear();
            actions.forEach(Runnable::run);
        }
    }

    /**
     * Starts recording this stream's work into a graph instead of running it (thread-local capture mode).
     * Host memory used by captured copies must stay valid as long as the graph is replayed.
     */
    public void beginCapture() {
        checkOpen();
        if (capturing) throw new IllegalStateException("stream is already capturing");
        context.makeCurrent();
        synchronize();
        context.api.check(
                context.api.streamBeginCapture(handle, CU.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture_v2");
        capturing = true;
    }

    /** Ends the capture and instantiates the recorded work as a graph to replay with {@link CudaGraph#launch}. */
    public CudaGraph endCapture() {
        if (!capturing) throw new IllegalStateException("endCapture without beginCapture");
        context.makeCurrent();
        capturing = false;
        List<Object> captured = new ArrayList<>(inFlight);
        inFlight.clear();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment graph = arena.allocate(ADDRESS);
            context.api.check(context.api.streamEndCapture(handle, graph), "cuStreamEndCapture");
            MemorySegment exec = arena.allocate(ADDRESS);
            int result = context.api.graphInstantiate(exec, graph.get(ADDRESS, 0), 0);
            if (result != CU.CUDA_SUCCESS) {
                context.api.graphDestroy(graph.get(ADDRESS, 0));
                throw context.api.exception(result, "cuGraphInstantiateWithFlags", null);
            }
            return new CudaGraph(context, graph.get(ADDRESS, 0), exec.get(ADDRESS, 0), captured);
        }
    }

    public boolean isCapturing() {
        return capturing;
    }

    private void checkRange(String what, CudaBuffer buffer, long offset, MemorySegment host, long bytes) {
        checkOpen();
        if (bytes <= 0 || offset < 0 || offset + bytes > buffer.size() || bytes > host.byteSize()) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes at device offset " + offset
                    + " is out of bounds: device buffer has " + buffer.size() + " bytes, host memory "
                    + host.byteSize());
        }
        context.makeCurrent();
    }

    private MemorySegment staged(MemorySegment heap, long bytes) {
        if (capturing)
            throw new IllegalArgumentException("a captured copy needs native (preferably pinned) host memory");
        MemorySegment copy = Arena.ofAuto().allocate(bytes, 16);
        MemorySegment.copy(heap, 0, copy, 0, bytes);
        return copy;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CUDA stream used after close");
    }

    /** Synchronizes, then destroys the stream. */
    @Override
    public void close() {
        if (closed) return;
        if (capturing) {
            try {
                endCapture().close();
            } catch (CudaException ignored) {
                /* the capture was invalid; the stream still goes */
            }
        }
        synchronize();
        closed = true;
        context.api.check(context.api.streamDestroy(handle), "cuStreamDestroy_v2");
    }
}
