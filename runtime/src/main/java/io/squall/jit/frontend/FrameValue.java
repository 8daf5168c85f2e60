package io.squall.jit.frontend;

import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Value;

import java.util.Map;

/** What the bytecode interpreter keeps in a local variable or stack entry. */
sealed interface FrameValue {

    /** A primitive (or HalfFloat, as f16) held in an IR value. */
    record Val(Value value) implements FrameValue {
        boolean isWide() {
            return value.type() == ScalarType.I64 || value.type() == ScalarType.F64;
        }
    }

    /** The KernelContext argument: its fields and methods are intrinsics. */
    record Context() implements FrameValue {}

    /** {@code new HalfFloat} before its constructor ran. */
    record NewHalf(int id) implements FrameValue {}

    /** Result of lcmp/fcmpl/fcmpg/dcmpl/dcmpg, kept symbolic so the following if becomes one comparison. */
    record PendingCompare(Value left, Value right, int nanResult) implements FrameValue {}

    /**
     * An array: a kernel argument (javaArg >= 0) or a local-memory array (javaArg = -1).
     * {@code unsigned}: char[] elements zero-extend.
     */
    record ArrayRef(
            int javaArg,
            String typeName,
            Value base,
            Value length,
            ScalarType element,
            boolean unsigned,
            boolean reduce,
            int accumulatorSlot)
            implements FrameValue {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /**
     * A TornadoVM vector or matrix object (Float4, Matrix2DFloat, ...), kept as its fields: the kernel argument's buffer
     * and int fields (argument = true), or one built in the kernel, whose array fields are private arrays. Its methods
     * are inlined with it as {@code this}; a field is written once (by a constructor), so every path sees the same value.
     */
    record Obj(String className, Map<String, FrameValue> fields, boolean argument) implements FrameValue {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** {@code new FloatArray} (or another off-heap array type) before its constructor ran. */
    record NewArray(String className, int id) implements FrameValue {}

    static boolean isWide(FrameValue s) {
        return s instanceof Val v && v.isWide();
    }
}
