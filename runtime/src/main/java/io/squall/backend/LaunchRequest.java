package io.squall.backend;

import io.squall.jit.Kernel;

import java.lang.reflect.Method;

/**
 * One kernel launch. {@code args} are the task's Java arguments; {@code buffers[i]} holds the device buffer of
 * array argument i (null for scalars and KernelContext, and on devices that use host memory).
 * {@code kernel}/{@code compiled} are null on devices that run the Java method itself.
 * {@code global}/{@code local}: the ND-range ({@code local} null = the driver chooses); for the JVM backend
 * they are set only for KernelContext kernels. {@code errors}: the device buffer bound to the kernel's ERROR_BUFFER
 * parameter (zeroed by the executor), null when the kernel has none.
 */
public record LaunchRequest(
        String taskName,
        Method method,
        Kernel kernel,
        CompiledTask compiled,
        Object[] args,
        DeviceBuffer[] buffers,
        long[] global,
        long[] local,
        DeviceBuffer errors) {
    public LaunchRequest(
            String taskName,
            Method method,
            Kernel kernel,
            CompiledTask compiled,
            Object[] args,
            DeviceBuffer[] buffers,
            long[] global,
            long[] local) {
        this(taskName, method, kernel, compiled, args, buffers, global, local, null);
    }
}
