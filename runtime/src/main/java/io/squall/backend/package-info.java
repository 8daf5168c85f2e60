/**
 * The backend SPI: {@link io.squall.backend.Backend} (discovers devices), {@link io.squall.backend.ComputeDevice}
 * (compiles, allocates, copies, launches), device buffers, launch requests and timings. Each backend implements it in a
 * sub-package ({@code jvm}, {@code opencl}, {@code ptx}, {@code spirv}); their code generators live in {@code jit.*}.
 * Uses {@code jit}'s compiled kernels, {@code api} types and {@code device} ids (one of the package cycles of issue 14).
 */
package io.squall.backend;
