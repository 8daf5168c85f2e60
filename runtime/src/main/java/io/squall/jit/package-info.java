/**
 * The JIT's shared vocabulary: the compiled {@link io.squall.jit.Kernel} (IR plus its parameters), how each argument
 * is passed ({@code ArgSpec}, {@code KernelParam}), {@code CompileOptions}, {@code DeviceCapabilities}, compile errors,
 * and the resolution of a task's method reference ({@link io.squall.jit.TaskResolver}). The pipeline that fills it
 * is in
 * {@code jit.compiler}; code generators are in each backend's {@code codegen}. Uses {@code jit.ir} and
 * {@code api.types.arrays}.
 */
package io.squall.jit;
