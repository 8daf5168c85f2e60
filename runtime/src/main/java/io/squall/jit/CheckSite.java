package io.squall.jit;

import io.squall.jit.ir.SourceLocation;

/**
 * One checked operation of a kernel compiled with {@link CompileOptions.AccessChecks#REPORT}: its number is what the
 * generated code writes into the error buffer when the check fails.
 *
 * <p>Error buffer layout (four i32): [0] failures counted in the launch, then for the first failure only: [1] the site
 * number, [2] the index (0 for a division), [3] the array length (0 for a division).
 */
public record CheckSite(Kind kind, SourceLocation location, String what) {
    public enum Kind {
        INDEX,
        DIVISION_BY_ZERO
    }

    /** Ints in the error buffer. */
    public static final int ERROR_WORDS = 4;

    /** The failure as a sentence, e.g. "index 17 out of bounds for length 16 of argument 2 (FloatArray) at Foo.java:42". */
    public String describe(int index, int length) {
        return switch (kind) {
            case INDEX -> "index " + index + " out of bounds for length " + length + " of " + what + " at " + location;
            case DIVISION_BY_ZERO -> "integer " + what + " by zero at " + location;
        };
    }
}
