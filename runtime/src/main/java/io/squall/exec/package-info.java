/**
 * Plan execution: the executor that runs a task graph's frozen content ({@link io.squall.plan.GraphSpec})
 * ({@link io.squall.exec.PlanExecutor}), which delegates one job to each unit: the device of each task
 * ({@code TaskDevices}), compiling through the kernel cache or falling back to the JVM ({@code TaskCompiler}), launch
 * sizes ({@code LaunchGeometry}), one buffer per object and device and the copies the transfer modes and validity
 * tracking require ({@code Residency}), checked kernels' error buffers ({@code CheckedLaunches}) and the profile
 * ({@code ProfileReport}); and {@link io.squall.exec.SquallRuntimeService}, the {@link io.squall.api.RuntimeService}
 * the API finds. Uses {@code api}, {@code plan}, {@code device}, {@code backend}, {@code jit} and {@code jit.compiler}.
 */
package io.squall.exec;
