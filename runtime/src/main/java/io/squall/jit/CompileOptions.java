package io.squall.jit;

/** fastMath: relaxed floating point in the device compiler; specializeScalars: fold ArgSpec values into the code. */
public record CompileOptions(boolean fastMath, boolean specializeScalars) {
    public static CompileOptions defaults() {
        return new CompileOptions(false, false);
    }
}
