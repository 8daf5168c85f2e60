package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The work-item loop of one work-group, for KernelContext kernels without barriers. This class is a template: the
 * backend defines a hidden copy of it per kernel whose class data is the kernel's invoker, so {@link #KERNEL} is a
 * constant and HotSpot inlines the kernel into the loop (a call through a non-constant handle per work-item costs
 * several times the work of a small kernel).
 */
final class ItemLoop {
    private static final MethodHandle KERNEL = kernel();

    private ItemLoop() {}

    private static MethodHandle kernel() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, MethodHandle.class);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Runs every work-item of {@code group}; on failure the context's ids name the work-item that threw. */
    static void run(
            Object[] args, KernelContext ctx, JvmWorkGroup workGroup, WorkGroupLauncher.Range range, int[] groupIds)
            throws Throwable {
        long[] local = range.local();
        for (int z = 0; z < local[2]; z++) {
            for (int y = 0; y < local[1]; y++) {
                for (int x = 0; x < local[0]; x++) {
                    WorkGroupLauncher.setIds(ctx, range, groupIds, x, y, z);
                    ctx.bind(workGroup);
                    KERNEL.invokeExact(args);
                }
            }
        }
    }
}
