package io.squall.jit.ir;

/** A kernel parameter: its value inside the function and a readable name for generated code. */
public record Parameter(Temp value, String name) {}
