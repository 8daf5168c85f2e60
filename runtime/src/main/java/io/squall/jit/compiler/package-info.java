/**
 * {@link io.squall.jit.compiler.JitCompiler}: bytecode to optimized IR, the frontend then the passes; the
 * entry point every backend and test compiles through. Uses {@code jit}, {@code jit.frontend}, {@code jit.passes}.
 */
package io.squall.jit.compiler;
