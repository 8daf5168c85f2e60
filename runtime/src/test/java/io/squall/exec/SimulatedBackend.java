package io.squall.exec;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;
import io.squall.backend.Backend;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.backend.jvm.driver.JvmKernelRunner;
import io.squall.device.Devices;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test backend with its own memory: device {@code sim:0} keeps every object in separate native buffers and runs
 * the Java method over views of them. Any missing or stale transfer therefore shows up as a wrong result, which
 * lets the executor's transfer logic be tested without a JIT or an OpenCL driver.
 */
final class SimulatedBackend implements Backend {
    static final SimulatedBackend INSTANCE = new SimulatedBackend();
    private final List<SimDevice> devices = List.of(new SimDevice());

    /** Makes {@code sim:0} available (idempotent). */
    static ComputeDevice install() {
        if (Devices.backend("sim") != INSTANCE) {
            Devices.register(INSTANCE);
        }
        return INSTANCE.devices.getFirst();
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public int order() {
        return 500;
    }

    @Override
    public List<SimDevice> devices() {
        return devices;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    static final class SimDevice implements ComputeDevice {
        private final DeviceProperties properties = new DeviceProperties(
                "sim:0",
                "simulated device",
                "squall tests",
                "test",
                "1",
                "1",
                TornadoDeviceType.CUSTOM,
                1L << 30,
                1 << 16,
                1L << 30,
                2,
                256,
                new long[] {256, 256, 256},
                0,
                Set.of(),
                "",
                "");

        @Override
        public String id() {
            return "sim:0";
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
        public boolean compilesKernels() {
            return false;
        }

        @Override
        public DeviceCapabilities capabilities() {
            return DeviceCapabilities.generic();
        }

        record Buffer(Arena arena, MemorySegment segment) implements DeviceBuffer {
            @Override
            public long size() {
                return segment.byteSize();
            }

            @Override
            public void close() {
                arena.close();
            }
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            Arena arena = Arena.ofShared();
            MemorySegment seg = arena.allocate(Math.max(1, bytes), 8).asSlice(0, bytes);
            seg.fill((byte) 0x7f); // garbage, so a missing copy cannot pass by accident
            return new Buffer(arena, seg);
        }

        @Override
        public void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
            MemorySegment.copy(src, 0, ((Buffer) dst).segment(), dstOffset, bytes);
        }

        @Override
        public void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
            MemorySegment.copy(((Buffer) src).segment(), srcOffset, dst, 0, bytes);
        }

        @Override
        public CompiledTask build(Kernel kernel, CompileOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void launch(LaunchRequest r) {
            Object[] args = r.args().clone();
            for (int i = 0; i < args.length; i++) {
                if (r.buffers()[i] != null) {
                    args[i] = view(args[i], ((Buffer) r.buffers()[i]).segment());
                }
            }
            JvmKernelRunner.run(r.method(), args, r.global(), r.local(), 2);
            for (int i = 0; i < args.length; i++) {
                if (r.buffers()[i] != null && args[i].getClass().isArray()) {
                    MemorySegment.copy(heap(args[i]), 0, ((Buffer) r.buffers()[i]).segment(), 0, r.buffers()[i].size());
                }
            }
        }

        private static Object view(Object arg, MemorySegment s) {
            return switch (arg) {
                case FloatArray a -> FloatArray.view(s);
                case IntArray a -> IntArray.view(s);
                case DoubleArray a -> DoubleArray.view(s);
                case LongArray a -> LongArray.view(s);
                case ShortArray a -> ShortArray.view(s);
                case ByteArray a -> ByteArray.view(s);
                case Int8Array a -> Int8Array.view(s);
                case HalfFloatArray a -> HalfFloatArray.view(s);
                case float[] a -> s.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
                case int[] a -> s.toArray(java.lang.foreign.ValueLayout.JAVA_INT);
                default -> throw new IllegalArgumentException("simulator: unsupported argument " + arg.getClass());
            };
        }

        private static MemorySegment heap(Object array) {
            return switch (array) {
                case float[] a -> MemorySegment.ofArray(a);
                case int[] a -> MemorySegment.ofArray(a);
                default -> throw new IllegalArgumentException("simulator: unsupported argument " + array.getClass());
            };
        }

        @Override
        public DeviceTimings finish() {
            return new DeviceTimings(Map.of(), 0, 0);
        }

        @Override
        public void close() {}
    }
}
