package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A module loaded from PTX text, JIT-compiled by the driver for the context's device. */
public final class CudaModule implements AutoCloseable {
    private static final int LOG_BYTES = 64 * 1024;

    private final CudaContext context;
    final MemorySegment handle;
    private final String jitLog;
    private boolean closed;

    private CudaModule(CudaContext context, MemorySegment handle, String jitLog) {
        this.context = context;
        this.handle = handle;
        this.jitLog = jitLog;
    }

    /**
     * JIT-compiles {@code ptx} (cuModuleLoadDataEx) with the error and info logs captured; on failure a
     * {@link CudaJitException} carries the error log, whose messages name the PTX line.
     */
    public static CudaModule loadPtx(CudaContext context, String ptx) {
        context.makeCurrent();
        CU.Api api = context.api;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment infoLog = arena.allocate(LOG_BYTES), errorLog = arena.allocate(LOG_BYTES);
            MemorySegment options = arena.allocateFrom(
                    JAVA_INT,
                    CU.CU_JIT_INFO_LOG_BUFFER,
                    CU.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                    CU.CU_JIT_ERROR_LOG_BUFFER,
                    CU.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                    CU.CU_JIT_LOG_VERBOSE);
            // Option values are void*: buffers as pointers, sizes and flags as integers in the pointer slot.
            MemorySegment values = arena.allocate(ADDRESS, 5);
            values.setAtIndex(ADDRESS, 0, infoLog);
            values.setAtIndex(JAVA_LONG, 1, LOG_BYTES);
            values.setAtIndex(ADDRESS, 2, errorLog);
            values.setAtIndex(JAVA_LONG, 3, LOG_BYTES);
            values.setAtIndex(JAVA_LONG, 4, 1);
            MemorySegment module = arena.allocate(ADDRESS);
            int result = api.moduleLoadDataEx(module, arena.allocateFrom(ptx), 5, options, values);
            String info = infoLog.getString(0).strip();
            if (result != CU.CUDA_SUCCESS) {
                String errors = errorLog.getString(0).strip();
                CudaException failure = api.exception(result, "cuModuleLoadDataEx", null);
                throw new CudaJitException(failure, errors.isEmpty() ? info : errors);
            }
            return new CudaModule(context, module.get(ADDRESS, 0), info);
        }
    }

    /** The kernel entry point {@code name} (a {@code .visible .entry} of the PTX). */
    public CudaFunction function(String name) {
        if (closed) throw new IllegalStateException("CUDA module used after close");
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment function = arena.allocate(ADDRESS);
            int result = context.api.moduleGetFunction(function, handle, arena.allocateFrom(name));
            if (result != CU.CUDA_SUCCESS)
                throw context.api.exception(result, "cuModuleGetFunction", "kernel '" + name + "'");
            return new CudaFunction(this, function.get(ADDRESS, 0), name);
        }
    }

    /** The JIT's informational log (registers and spills per kernel with verbose logging). */
    public String jitLog() {
        return jitLog;
    }

    public CudaContext context() {
        return context;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        context.makeCurrent();
        context.api.check(context.api.moduleUnload(handle), "cuModuleUnload");
    }
}
