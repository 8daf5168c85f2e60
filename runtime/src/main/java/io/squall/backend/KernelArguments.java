package io.squall.backend;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.jit.IterationExpr;

/** Conversions of a task's Java arguments to the values a kernel parameter takes; shared by the compiling devices. */
public final class KernelArguments {
    private KernelArguments() {}

    /** The element count a LENGTH parameter passes: a native array's size or a Java array's length. */
    public static int elementCount(Object array) {
        if (array instanceof ArrayBacked backed) {
            return backed.getStorage().getSize();
        }
        if (array instanceof TornadoNativeArray a) {
            return a.getSize();
        }
        if (array instanceof java.util.concurrent.atomic.AtomicInteger) {
            return 1;
        }
        return java.lang.reflect.Array.getLength(array);
    }

    /** An integer scalar argument (boolean as 0/1, char as its code) widened to long. */
    public static long asLong(Object v) {
        return switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Character c -> c;
            case Number n -> n.longValue();
            default -> throw new IllegalArgumentException("not a scalar: " + v);
        };
    }

    /** The value of a FIELD parameter: the int field {@code name} of a matrix or vector argument. */
    public static int intField(Object arg, String name) {
        return IterationExpr.Field.read(arg, name);
    }
}
