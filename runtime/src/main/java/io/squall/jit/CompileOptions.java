package io.squall.jit;

/**
 * fastMath: relaxed floating point in the device compiler; specializeScalars: fold ArgSpec values into the code;
 * accessChecks: what the generated code does about out-of-range array indices (see {@link AccessChecks}).
 */
public record CompileOptions(boolean fastMath, boolean specializeScalars, AccessChecks accessChecks) {
    /**
     * How array accesses and integer divisions are checked in generated code. Every mode guards integer division so it
     * never traps (x / 0 == 0, x % 0 == 0 on devices; MIN_VALUE / -1 == MIN_VALUE and MIN_VALUE % -1 == 0 as in Java).
     */
    public enum AccessChecks {
        /** Accesses as written: an index out of range touches memory outside the array (GPUs' usual contract). */
        NONE,
        /** An out-of-range load gives 0 and an out-of-range store is skipped, silently; memory outside arrays is never touched. */
        GUARD,
        /**
         * As GUARD, and the first out-of-range access or integer division by zero of a launch is recorded in a hidden
         * error buffer (parameter {@link KernelParam.Kind#ERROR_BUFFER}) that the runtime reads after the launch and turns
         * into an exception naming the kernel, the source line and the index (see {@link CheckSite}).
         */
        REPORT
    }

    public CompileOptions(boolean fastMath, boolean specializeScalars) {
        this(fastMath, specializeScalars, AccessChecks.NONE);
    }

    public CompileOptions {
        if (accessChecks == null) {
            throw new IllegalArgumentException("accessChecks is null");
        }
    }

    public static CompileOptions defaults() {
        return new CompileOptions(false, false);
    }

    public CompileOptions withAccessChecks(AccessChecks checks) {
        return new CompileOptions(fastMath, specializeScalars, checks);
    }
}
