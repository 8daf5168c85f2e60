/**
 * Plan execution: a task graph's frozen content ({@link io.squall.plan.GraphSpec}), the executor that resolves
 * devices, compiles through the kernel cache, keeps one buffer per object and device and copies what the transfer
 * modes and validity tracking require, the runtime options, and the profile of an execution. Uses {@code jit},
 * {@code device} and {@code exec.device}.
 */
package io.squall.exec;
