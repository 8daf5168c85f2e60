package io.squall.exec;

import io.squall.backend.ComputeDevice;
import io.squall.jit.Kernel;

/**
 * Precompiled kernel binaries (ahead-of-time builds for devices that cannot JIT, e.g. FPGAs), consulted by the
 * {@link KernelCache} before it compiles a task's kernel for a device. Registered with
 * {@link KernelCache#register(KernelBinaryProvider)}; {@code io.squall.device.placement.DeviceMap} provides one
 * from devices.json.
 */
public interface KernelBinaryProvider {
    /**
     * A binary, where it came from (a file path, named in errors) and the SHA-256 of the OpenCL C it was built from, or
     * null when unknown. With it, a binary is loaded only for a kernel that compiles to that same source now; kernels
     * with specialized scalars (whose values are in the source) need it.
     */
    record Binary(byte[] bytes, String origin, String sourceSha256) {
        public Binary(byte[] bytes, String origin) {
            this(bytes, origin, null);
        }
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
