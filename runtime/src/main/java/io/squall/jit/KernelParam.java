package io.squall.jit;

import io.squall.jit.ir.Type;

/** One parameter of the generated kernel entry point (see the ABI in JitCompiler). */
public record KernelParam(Kind kind, int javaArgIndex, Type type) {
    public enum Kind {
        /** Device pointer to the array argument's elements. */
        BUFFER,
        /** int element count of that array argument. */
        LENGTH,
        /** The Java scalar argument's value. */
        SCALAR,
        /**
         * Global i32 error buffer of {@link CheckSite#ERROR_WORDS} ints, zeroed before the launch (checked kernels only;
         * javaArgIndex is -1).
         */
        ERROR_BUFFER
    }
}
