package io.squall.backend;

import java.util.List;

/**
 * The backend SPI: one implementation per way of running kernels (OpenCL, the JVM, later PTX and SPIR-V).
 * {@link io.squall.device.Devices} lists the built-in backends and any found by {@link java.util.ServiceLoader}
 * (a backend class with a public no-argument constructor listed in {@code META-INF/services/io.squall.backend.Backend}).
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
