/**
 * Bytecode to IR with {@code java.lang.classfile}: {@link io.squall.jit.frontend.KernelFrontend} lays out the ABI
 * parameters and finds {@code @Parallel} loops with {@link io.squall.jit.frontend.ParallelScanner} (type annotations on
 * local variables; the JVM backend uses the same scanner);
 * {@code MethodParser} interprets the bytecode in code order into SSA (phis placed from StackMapTable frames) and
 * inlines static callees; {@code Intrinsics} maps the API (arrays, KernelContext, TornadoMath, HalfFloat, Float bits);
 * {@code ReductionLowering} writes the work-group reduction for {@code @Reduce}.
 * Uses {@code jit}, {@code jit.ir}, {@code jit.passes} and the {@code api} types kernels use.
 */
package io.squall.jit.frontend;
