/**
 * The JVM backend: runs a kernel's own Java method, {@code @Parallel} loops split over worker threads through a
 * hidden-class copy of the kernel ({@code java.lang.classfile}), {@code KernelContext} kernels work-group by work-group
 * as virtual threads meeting at barriers. The reference every other backend is tested against. Uses {@code api}
 * ({@code KernelContext}) and {@code api.annotations}; nothing else of Squall.
 */
package io.squall.backend.jvm.driver;
