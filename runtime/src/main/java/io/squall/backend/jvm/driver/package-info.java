/**
 * The JVM backend: runs a kernel's own Java method, {@code @Parallel} loops split over worker threads through a
 * hidden-class copy of the kernel ({@code java.lang.classfile}), {@code KernelContext} kernels work-group by work-group
 * as virtual threads meeting at barriers. The reference every other backend is tested against. Uses {@code api}, and
 * {@code jit.frontend}'s {@code ParallelScanner} so that it finds the same {@code @Parallel} loops as the JIT.
 */
package io.squall.backend.jvm.driver;
