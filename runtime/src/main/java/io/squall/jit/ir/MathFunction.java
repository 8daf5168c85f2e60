package io.squall.jit.ir;

/** Math intrinsics of the IR, with their arity. MIN/MAX/ABS also apply to integers. */
public enum MathFunction {
    EXP(1),
    LOG(1),
    LOG2(1),
    SQRT(1),
    RSQRT(1),
    POW(2),
    SIN(1),
    COS(1),
    TAN(1),
    ATAN(1),
    ATAN2(2),
    TANH(1),
    MIN(2),
    MAX(2),
    ABS(1),
    FLOOR(1),
    CEIL(1),
    FMA(3),
    CLAMP(3),
    SIGNUM(1);

    private final int arity;

    MathFunction(int arity) {
        this.arity = arity;
    }

    public int arity() {
        return arity;
    }
}
