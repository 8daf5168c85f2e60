/**
 * The backend SPI: {@link io.squall.backend.Backend} (discovers devices), {@link io.squall.backend.ComputeDevice}
 * (compiles, allocates, copies, launches), {@link io.squall.backend.DeviceProperties}, device buffers, launch requests
 * and timings, and {@link io.squall.backend.CodeEmitter} (code without a device, {@code --emit}). Each backend is one
 * folder: {@code backend.<name>} (its Backend and ComputeDevice, registered in {@code META-INF/services}),
 * {@code backend.<name>.codegen} (IR to its code), {@code backend.<name>.driver} (its driver binding). Uses {@code jit}
 * and the {@code api} vocabulary (enums, exceptions, arrays); never {@code exec}, {@code device} or a backend.
 */
package io.squall.backend;
