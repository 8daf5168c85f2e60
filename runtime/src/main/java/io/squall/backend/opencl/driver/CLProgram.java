package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A program built for one device: its kernels, its device binary and the build log. */
public final class CLProgram implements AutoCloseable {
    private final CLContext context;
    final MemorySegment handle;
    private final String buildLog;
    private boolean closed;

    CLProgram(CLContext context, MemorySegment handle, String buildLog) {
        this.context = context;
        this.handle = handle;
        this.buildLog = buildLog;
    }

    /** A kernel object for the {@code __kernel} function {@code name}. */
    public CLKernel kernel(String name) {
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment kernel = context.api.createKernel(handle, arena.allocateFrom(name), err);
            int code = err.get(JAVA_INT, 0);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(code, "clCreateKernel", "kernel '" + name + "'");
            }
            return new CLKernel(this, kernel, name);
        }
    }

    /**
     * The device binary (CL_PROGRAM_BINARIES) for the context's device, to cache or ship to devices that
     * cannot compile (AOT / FPGA flow) and load again with {@link CLContext#buildBinary}.
     */
    public byte[] binary() {
        checkOpen();
        CL.Api api = context.api;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sizes = arena.allocate(JAVA_LONG);
            CL.check(
                    api.getProgramInfo(
                            handle, CL.CL_PROGRAM_BINARY_SIZES, JAVA_LONG.byteSize(), sizes, MemorySegment.NULL),
                    "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)");
            long size = sizes.get(JAVA_LONG, 0);
            if (size == 0) {
                throw new CLException(
                        CL.CL_INVALID_OPERATION,
                        "clGetProgramInfo(CL_PROGRAM_BINARIES)",
                        "device '" + context.device().name() + "' provides no binary for this program");
            }
            MemorySegment bytes = arena.allocate(size);
            MemorySegment pointers = arena.allocateFrom(ADDRESS, bytes);
            CL.check(
                    api.getProgramInfo(
                            handle, CL.CL_PROGRAM_BINARIES, ADDRESS.byteSize(), pointers, MemorySegment.NULL),
                    "clGetProgramInfo(CL_PROGRAM_BINARIES)");
            return bytes.toArray(JAVA_BYTE);
        }
    }

    /** The compiler's messages from the successful build (often empty). */
    public String buildLog() {
        return buildLog;
    }

    public CLContext context() {
        return context;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CL program used after close");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CL.check(context.api.releaseProgram(handle), "clReleaseProgram");
    }
}
