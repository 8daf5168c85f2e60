package io.squall.api.common;

import io.squall.api.enums.TornadoDeviceType;

import java.util.Set;

/** A device that runs tasks: an OpenCL device, the JVM, later a CUDA (PTX) or SPIR-V device. */
public interface TornadoDevice {
    /** Squall's id: {@code opencl:N}, {@code jvm}, {@code ptx:N}, {@code spirv:N}. Accepted wherever a device is named. */
    String getId();

    String getDeviceName();

    /** Name, vendor and version in one line. */
    String getDescription();

    String getPlatformName();

    TornadoDeviceType getDeviceType();

    /** Global memory in bytes. */
    long getMaxGlobalMemory();

    /** Work-group (local) memory in bytes. */
    long getDeviceLocalMemorySize();

    int getMaxComputeUnits();

    long getMaxWorkGroupSize();

    long[] getDeviceMaxWorkItemSizes();

    long getMaxAllocMemory();

    Set<String> getExtensions();

    /** Index of this device's backend in {@code TornadoRuntimeProvider.getTornadoRuntime()}. */
    int getBackendIndex();

    /** Index of this device within its backend. */
    int getDeviceIndex();

    /** The backend's name: {@code opencl}, {@code jvm}, ... */
    String getBackendName();

    /** TornadoVM's name for the kind of this device's backend ({@code jvm} is {@code JAVA}). */
    default io.squall.api.enums.TornadoVMBackendType getTornadoVMBackend() {
        return io.squall.api.enums.TornadoVMBackendType.ofBackendName(getBackendName());
    }
}
