package io.squall.exec;

import io.squall.exec.device.ComputeDevice;
import io.squall.jit.Kernel;

/**
 * Precompiled kernel binaries (ahead-of-time builds for devices that cannot JIT, e.g. FPGAs), consulted by the
 * {@link KernelCache} before it compiles a task's kernel for a device. Registered with
 * {@link KernelCache#register(KernelBinaryProvider)}; {@code io.squall.device.placement.DeviceMap} provides one
 * from devices.json.
 */
public interface KernelBinaryProvider {
    /** A binary and where it came from (a file path, named in errors). */
    record Binary(byte[] bytes, String origin) {
    }

    /**
     * The binary for task {@code graphDotTask} (its kernel {@code kernel}) on {@code device}, or null to compile as usual.
     * Errors reading a named binary are thrown, naming the file and the device.
     */
    Binary find(ComputeDevice device, String graphDotTask, Kernel kernel);

    /** False when kernels must not be compiled from source for this device: a task without a binary is then an error. */
    default boolean jitAllowed(ComputeDevice device) {
        return true;
    }

    /** Where the device's binaries are configured, for errors (e.g. "devices.json: devices[0].binaries"). */
    default String describe(ComputeDevice device) {
        return "the registered kernel binaries";
    }
}
