/**
 * Device discovery across backends and device ids ({@code opencl:0}, {@code ptx:0}, {@code spirv:0}, {@code jvm}):
 * one list of {@link io.squall.backend.Backend}s, built-in ones and those found by {@link java.util.ServiceLoader}.
 * Discovery runs once and never throws; a backend without a driver reports why. Uses {@code exec.device} (the SPI) and
 * wires the built-in OpenCL and JVM backends by hand.
 */
package io.squall.device;
