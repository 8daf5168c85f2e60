/**
 * Device discovery across backends and device ids ({@code opencl:0}, {@code ptx:0}, {@code spirv:0}, {@code jvm}):
 * one list of {@link io.squall.backend.Backend}s, every one found by {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.squall.backend.Backend}); the default device; the API's views of backends and devices
 * ({@code SquallBackend}, {@code SquallDevice}). Discovery runs once and never throws; a backend without a driver
 * reports
 * why. Uses {@code backend} (the SPI, no backend by name), {@code plan} (the device option) and {@code api}.
 */
package io.squall.device;
