/**
 * Plan execution: a task graph's frozen content ({@link io.squall.plan.GraphSpec}) and the executor that runs it
 * ({@link io.squall.exec.PlanExecutor}), which delegates one job to each unit: the device of each task
 * ({@code TaskDevices}), compiling through the kernel cache or falling back to the JVM ({@code TaskCompiler}), launch
 * sizes ({@code LaunchGeometry}), one buffer per object and device and the copies the transfer modes and validity
 * tracking require ({@code Residency}), checked kernels' error buffers ({@code CheckedLaunches}) and the profile
 * ({@code ProfileReport}). Uses {@code plan}, {@code jit}, {@code device} and {@code backend}.
 */
package io.squall.exec;
