/**
 * {@code TornadoMath}: the math functions kernels call; the JIT maps each to the backend's built-in, the JVM
 * backend runs them as Java. Uses {@code api.types} and {@code api.types.arrays}.
 */
package io.squall.api.math;
