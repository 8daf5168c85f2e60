package io.squall.exec;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/** A device that reports properties (4 compute units, work-groups up to 1024) and does nothing else. */
final class PropertiesOnlyDevice implements ComputeDevice {
    private final DeviceProperties properties;

    PropertiesOnlyDevice(TornadoDeviceType type) {
        properties = new DeviceProperties(
                "props:0",
                "properties-only test device",
                "squall tests",
                "test",
                "1",
                "1",
                type,
                1L << 30,
                1L << 16,
                1L << 28,
                4,
                1024,
                new long[] {1024, 1024, 64},
                1000,
                Set.of(),
                "",
                "");
    }

    @Override
    public String id() {
        return properties.id();
    }

    @Override
    public DeviceProperties properties() {
        return properties;
    }

    @Override
    public boolean usesHostMemory() {
        return false;
    }

    @Override
    public DeviceCapabilities capabilities() {
        throw new UnsupportedOperationException();
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompiledTask build(Kernel kernel, CompileOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void launch(LaunchRequest request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public DeviceTimings finish() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
