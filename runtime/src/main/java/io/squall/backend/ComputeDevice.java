package io.squall.backend;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

import java.lang.foreign.MemorySegment;

/**
 * The device SPI the executor drives. Implementations are thread-safe. Transfers and launches may be
 * asynchronous; {@link #finish()} waits for all of them and returns their timings.
 */
public interface ComputeDevice {
    /** {@code opencl:0}, {@code jvm}, ... */
    String id();

    DeviceProperties properties();

    default TornadoDeviceType type() {
        return properties().type();
    }

    /** True for the JVM: kernels use the host objects directly, so the executor does no transfers. */
    boolean usesHostMemory();

    /**
     * True when the device runs kernels built by the JIT ({@link #build}); false when it runs the task's Java method
     * itself (the JVM, or a simulator), in which case the executor neither compiles nor sizes a launch grid for it.
     */
    default boolean compilesKernels() {
        return !usesHostMemory();
    }

    /** What the JIT may use on this device. */
    DeviceCapabilities capabilities();

    /**
     * Allocates {@code bytes} of device memory; a device out of memory (or beyond its largest allocation) is a
     * TornadoOutOfMemoryException naming the device, as in TornadoVM (a plan's withMemoryLimit is a TornadoMemoryException).
     */
    DeviceBuffer allocate(long bytes);

    /**
     * A device buffer that reads {@code host} in place, without a copy, or null where this device cannot (the default).
     * For memory that nothing writes while the buffer lives (a read-only segment, e.g. a memory-mapped model file): the
     * executor never copies into such a buffer and refuses a kernel that writes it. CPU OpenCL devices (PoCL) take it,
     * which saves copying a model's weights into device buffers (1.3 GB, ~1 s, for a 1B Q8_0 model) and holding them
     * twice in memory.
     */
    default DeviceBuffer wrapReadOnlyHost(MemorySegment host) {
        return null;
    }

    /** Copies host to device. When {@code blocking} is false, {@code src} must stay valid until {@link #finish()}. */
    void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking);

    /** Copies device to host; always complete on return. */
    void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes);

    /** Builds the JIT's kernel for this device; failures name the kernel and include the driver's log. Called only when {@link #compilesKernels()}. */
    CompiledTask build(Kernel kernel, CompileOptions options);

    /**
     * Loads a precompiled binary of {@code kernel} (see {@link io.squall.exec.KernelBinaryProvider}) instead of compiling it;
     * a binary the device rejects, or without the kernel's entry point, is an error naming {@code origin} and the device.
     */
    default CompiledTask loadBinary(Kernel kernel, byte[] binary, String origin, CompileOptions options) {
        throw new io.squall.api.exceptions.TornadoRuntimeException(
                id() + " cannot load precompiled kernel binaries (" + origin + ")");
    }

    /** Enqueues (or runs) one launch. */
    void launch(LaunchRequest request);

    /** Waits for everything enqueued and returns the timings of the work done since the last call. */
    DeviceTimings finish();

    /** Releases the device's context; the device may be used again afterwards (it reopens). */
    void close();

    /**
     * Changes whenever the device's earlier builds become unusable (a device whose compiled kernels die with its
     * context counts its closes); the kernel cache keys builds by it, so a reopened device builds again.
     */
    default long buildGeneration() {
        return 0;
    }
}
