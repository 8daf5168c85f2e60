package io.squall.api.common;

import java.util.List;

/** A backend (OpenCL, JVM, later PTX and SPIR-V) and the devices it found. */
public interface TornadoBackend extends io.squall.api.TornadoBackend {
    /** {@code opencl}, {@code jvm}, ... : the prefix of its devices' ids. */
    String getName();

    int getNumDevices();

    TornadoDevice getDevice(int index);

    List<TornadoDevice> getAllDevices();

    /** Its first device. */
    TornadoDevice getDefaultDevice();

    /** Why the backend has no devices (missing driver, ...); null when it has some. */
    String unavailableReason();
}
