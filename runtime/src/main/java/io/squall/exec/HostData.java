package io.squall.exec;

import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of every object that moves between the host and devices, in one place: an off-heap array (its segment),
 * a Java primitive array, or an AtomicInteger (one int on the device: a task's argument, or a counter a kernel makes,
 * which the executor holds as one).
 */
final class HostData {
    private HostData() {}

    /** Whether {@code o} is data that moves (else a scalar, a KernelContext, a receiver, ...). */
    static boolean isData(Object o) {
        return o instanceof TornadoNativeArray || o.getClass().isArray() || o instanceof AtomicInteger;
    }

    static long bytes(Object o) {
        return switch (o) {
            case TornadoNativeArray a -> a.getNumBytesOfSegment();
            case AtomicInteger ai -> Integer.BYTES;
            default -> (long) java.lang.reflect.Array.getLength(o) * elementBytes(o);
        };
    }

    static int elementBytes(Object o) {
        return switch (o) {
            case TornadoNativeArray a -> a.getElementSize();
            case AtomicInteger ai -> Integer.BYTES;
            default -> {
                Class<?> c = o.getClass().componentType();
                yield c == double.class || c == long.class
                        ? 8
                        : c == int.class || c == float.class ? 4 : c == short.class || c == char.class ? 2 : 1;
            }
        };
    }

    /** E.g. "FloatArray[1024]", "int[16]", "AtomicInteger". */
    static String describe(Object o) {
        return switch (o) {
            case TornadoNativeArray a -> a.getClass().getSimpleName() + "[" + a.getSize() + "]";
            case AtomicInteger ai -> "AtomicInteger";
            default -> o.getClass().componentType().getName() + "[" + java.lang.reflect.Array.getLength(o) + "]";
        };
    }

    /** Copies {@code bytes} of {@code o} (all of it) into {@code buffer} on {@code device}. */
    static void write(Object o, ComputeDevice device, DeviceBuffer buffer, long bytes) {
        if (o instanceof TornadoNativeArray a) {
            device.write(buffer, 0, a.getSegment(), bytes, false);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(Math.max(1, bytes), 8);
            if (o instanceof AtomicInteger ai) {
                tmp.set(ValueLayout.JAVA_INT, 0, ai.get()); // its value now
            } else {
                MemorySegment.copy(heapSegment(o), 0, tmp, 0, bytes);
            }
            device.write(buffer, 0, tmp, bytes, true);
        }
    }

    /** Copies {@code bytes} from {@code offset} of {@code buffer} on {@code device} into the same range of {@code o}. */
    static void read(Object o, ComputeDevice device, DeviceBuffer buffer, long offset, long bytes) {
        if (o instanceof TornadoNativeArray a) {
            device.read(buffer, offset, a.getSegment().asSlice(offset, bytes), bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(Math.max(1, bytes), 8);
            device.read(buffer, offset, tmp, bytes);
            if (o instanceof AtomicInteger ai) {
                ai.set(tmp.get(ValueLayout.JAVA_INT, 0));
            } else {
                MemorySegment.copy(tmp, 0, heapSegment(o), offset, bytes);
            }
        }
    }

    private static MemorySegment heapSegment(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case char[] a -> MemorySegment.ofArray(a);
            default ->
                throw new IllegalArgumentException(
                        "unsupported array type " + array.getClass().getTypeName());
        };
    }
}
