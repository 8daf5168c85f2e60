package io.squall.backend.jvm;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.backend.jvm.driver.JvmKernelRunner;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.plan.RuntimeOptions;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The host as a device: kernels are the Java methods themselves, run in parallel by {@link JvmKernelRunner}, on the host objects. */
public final class JvmDevice implements ComputeDevice {
    private final DeviceProperties properties;
    private final Map<String, Long> kernelNanos = new LinkedHashMap<>();

    JvmDevice() {
        Runtime rt = Runtime.getRuntime();
        properties = new DeviceProperties(
                "jvm",
                "Java " + Runtime.version().feature() + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("java.vendor", ""),
                "JVM",
                Runtime.version().toString(),
                Runtime.version().toString(),
                TornadoDeviceType.JAVA,
                rt.maxMemory(),
                rt.maxMemory(),
                rt.maxMemory(),
                rt.availableProcessors(),
                JvmKernelRunner.MAX_WORK_GROUP_SIZE,
                new long[] {
                    JvmKernelRunner.MAX_WORK_GROUP_SIZE,
                    JvmKernelRunner.MAX_WORK_GROUP_SIZE,
                    JvmKernelRunner.MAX_WORK_GROUP_SIZE
                },
                0,
                Set.of(),
                "",
                "");
    }

    @Override
    public String id() {
        return "jvm";
    }

    @Override
    public DeviceProperties properties() {
        return properties;
    }

    @Override
    public boolean usesHostMemory() {
        return true;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return DeviceCapabilities.generic();
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        throw new UnsupportedOperationException("the JVM device uses host memory");
    }

    @Override
    public void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        throw new UnsupportedOperationException("the JVM device uses host memory");
    }

    @Override
    public void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        throw new UnsupportedOperationException("the JVM device uses host memory");
    }

    @Override
    public CompiledTask build(Kernel kernel, CompileOptions options) {
        throw new UnsupportedOperationException("the JVM device runs the Java method itself");
    }

    @Override
    public void launch(LaunchRequest r) {
        long start = System.nanoTime();
        JvmKernelRunner.run(r.method(), r.args(), r.global(), r.local(), RuntimeOptions.jvmThreads());
        long ns = System.nanoTime() - start;
        synchronized (kernelNanos) {
            kernelNanos.merge(r.taskName(), ns, Long::sum);
        }
    }

    @Override
    public DeviceTimings finish() {
        synchronized (kernelNanos) {
            DeviceTimings t = new DeviceTimings(Map.copyOf(kernelNanos), 0, 0);
            kernelNanos.clear();
            return t;
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "jvm";
    }
}
