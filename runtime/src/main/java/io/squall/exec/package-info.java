/**
 * Plan execution: the executor that resolves devices, compiles through the kernel cache, keeps one buffer per
 * object and device and copies what the transfer modes and validity tracking require, and records the profile;
 * {@link io.squall.exec.SquallRuntimeService}, the {@link io.squall.api.RuntimeService} the API finds. Uses
 * {@code api},
 * {@code plan}, {@code device}, {@code backend}, {@code jit} and {@code jit.compiler}.
 */
package io.squall.exec;
