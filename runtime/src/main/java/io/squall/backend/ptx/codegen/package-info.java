/**
 * IR to PTX, written directly as text (no CUDA C, no NVRTC, no libdevice):
 * {@link io.squall.backend.ptx.codegen.PtxEmitter}
 * for a {@link io.squall.backend.ptx.codegen.PtxTarget} ({@code sm_70} and newer, PTX ISA 7.0 to 8.7 chosen per
 * target).
 * Precise math by default with software transcendental functions ({@code PtxMath}, accuracy documented there);
 * fast math ({@code withCompilerFlags}/{@code -Dsquall.fastMath}) uses the hardware {@code *.approx} instructions.
 * Uses {@code jit} and {@code jit.ir}.
 */
package io.squall.backend.ptx.codegen;
