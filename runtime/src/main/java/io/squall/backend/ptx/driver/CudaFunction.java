package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** A kernel of a loaded module; launched with {@link CudaStream#launch}. Valid while its module is open. */
public final class CudaFunction {
    private final CudaModule module;
    final MemorySegment handle;
    private final String name;
    private int dynamicSharedLimit = -1; // -1: the default (48 KiB) not yet raised

    CudaFunction(CudaModule module, MemorySegment handle, String name) {
        this.module = module;
        this.handle = handle;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public CudaModule module() {
        return module;
    }

    /** Registers per thread the JIT allocated. */
    public int registers() {
        return attribute(CU.CU_FUNC_ATTRIBUTE_NUM_REGS);
    }

    /** The largest block this function can be launched with (limited by its registers). */
    public int maxThreadsPerBlock() {
        return attribute(CU.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
    }

    private int attribute(int attribute) {
        CudaContext context = module.context();
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            context.api.check(
                    context.api.funcGetAttribute(value, attribute, handle), "cuFuncGetAttribute(" + name + ")");
            return value.get(JAVA_INT, 0);
        }
    }

    /** Opts in to more than 48 KiB of dynamic shared memory (needed before such a launch; launch calls it itself). */
    void ensureDynamicShared(int bytes) {
        if (bytes <= 48 * 1024 || bytes <= dynamicSharedLimit) return;
        CudaContext context = module.context();
        int result = context.api.funcSetAttribute(handle, CU.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
        if (result != CU.CUDA_SUCCESS) {
            throw context.api.exception(
                    result,
                    "cuFuncSetAttribute",
                    "kernel '" + name + "' asks for " + bytes
                            + " bytes of dynamic shared memory; "
                            + context.device().name() + " allows "
                            + context.device().sharedMemPerBlockOptin());
        }
        dynamicSharedLimit = bytes;
    }
}
