package io.squall.backend;

import java.util.List;

/**
 * The backend SPI: one implementation per way of running kernels (OpenCL, PTX, SPIR-V, the JVM). Every backend, the
 * built-in ones included, is registered the same way: a class with a public no-argument constructor listed in
 * {@code META-INF/services/io.squall.backend.Backend}, which {@code io.squall.device.Devices} loads with
 * {@link java.util.ServiceLoader}.
 * Discovery must not throw: a backend without a driver has no devices and says why in {@link #unavailableReason()}.
 */
public interface Backend {
    /** The device-id prefix: {@code opencl}, {@code ptx}, {@code spirv}, {@code jvm}. */
    String name();

    /** The devices found, in a stable order; device i has id {@code name() + ":" + i} (the JVM's is {@code jvm}). */
    List<? extends ComputeDevice> devices();

    /** Why there are no devices (e.g. the driver library is missing); null when there are some. */
    String unavailableReason();

    /** Listing order among backends (smaller first); OpenCL is 0, the JVM last. */
    default int order() {
        return 50;
    }
}
