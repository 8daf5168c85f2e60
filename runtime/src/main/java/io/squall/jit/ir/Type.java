package io.squall.jit.ir;

/** The type of an IR value: a scalar, a vector of scalars or a pointer into an address space. */
public sealed interface Type permits ScalarType, PointerType, VectorType {}
