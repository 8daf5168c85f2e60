/**
 * The public surface, under tornado-api's class names so a TornadoVM program ports by changing imports: {@link
 * io.squall.api.TaskGraph}, {@link io.squall.api.ImmutableTaskGraph}, {@link io.squall.api.TornadoExecutionPlan} and
 * its
 * results, and the kernel-side types ({@link io.squall.api.KernelContext}, {@link io.squall.api.GridScheduler}, worker
 * grids, {@link io.squall.api.DataRange}). The JIT and the backends use those kernel-side types, so this package may
 * use
 * only the other {@code api} packages and {@code plan}: it reaches the runtime through {@link
 * io.squall.api.RuntimeService}, which {@code exec} implements and {@link java.util.ServiceLoader} finds.
 */
package io.squall.api;
