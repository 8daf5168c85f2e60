/**
 * The backend SPI: {@link io.squall.exec.device.Backend} (discovers devices), {@link io.squall.exec.device.ComputeDevice}
 * (compiles, allocates, copies, launches), device buffers, launch requests and timings. Each backend implements it
 * (OpenCL and JVM here, PTX and SPIR-V in their {@code jit} packages). Uses {@code jit}'s compiled kernels, {@code api} types and {@code device} ids (one of the package cycles issue 14 names).
 */
package io.squall.exec.device;
