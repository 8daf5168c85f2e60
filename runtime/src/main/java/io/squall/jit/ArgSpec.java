package io.squall.jit;

/** One Java argument of a kernel: its runtime class and, to fold it in, the boxed scalar value (else null). */
public record ArgSpec(Class<?> type, Object specializedValue) {
    public static ArgSpec of(Class<?> type) {
        return new ArgSpec(type, null);
    }
}
