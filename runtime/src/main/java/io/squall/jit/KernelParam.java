package io.squall.jit;

import io.squall.jit.ir.Type;

/** One parameter of the generated kernel entry point (see the ABI in JitCompiler). */
public record KernelParam(Kind kind, int javaArgIndex, Type type, String field) {
    public KernelParam(Kind kind, int javaArgIndex, Type type) {
        this(kind, javaArgIndex, type, null);
    }

    public enum Kind {
        /** Device pointer to the array argument's elements. */
        BUFFER,
        /** int element count of that array argument. */
        LENGTH,
        /** The Java scalar argument's value. */
        SCALAR,
        /**
         * The int field {@code field} of a matrix or vector argument (its rows, columns, ...); its elements travel as the
         * BUFFER and LENGTH parameters of the same argument.
         */
        FIELD,
        /**
         * Global i32 error buffer of {@link CheckSite#ERROR_WORDS} ints, zeroed before the launch (checked kernels only;
         * javaArgIndex is -1).
         */
        ERROR_BUFFER
    }
}
