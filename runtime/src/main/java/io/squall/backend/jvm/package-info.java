/**
 * The JVM backend: one {@code jvm} device that runs a kernel's own Java method through {@code backend.jvm.driver};
 * always present, the reference the other backends are tested against. Uses {@code backend},
 * {@code backend.jvm.driver},
 * {@code jit} and {@code plan} (the thread-count option).
 */
package io.squall.backend.jvm;
