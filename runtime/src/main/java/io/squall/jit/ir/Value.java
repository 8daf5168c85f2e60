package io.squall.jit.ir;

/** An operand: a constant or a temporary defined once (SSA). */
public sealed interface Value permits Temp, Constant {
    Type type();
}
