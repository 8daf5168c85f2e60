/**
 * The JIT's entry: resolves a task's method reference ({@link io.squall.jit.TaskResolver}), describes its arguments,
 * and compiles bytecode to IR ({@code jit.frontend}, {@code jit.ir}, {@code jit.passes}) for a code generator
 * ({@code jit.opencl}, {@code jit.ptx}, {@code jit.spirv}). Uses {@code api} for the kernel-side types.
 */
package io.squall.jit;
