/**
 * The SPIR-V backend: {@link io.squall.backend.spirv.codegen.SpirvEmitter} turns a kernel's IR into a SPIR-V module
 * for the
 * OpenCL environment ({@link io.squall.backend.spirv.codegen.SpirvBinary}, words or little-endian bytes);
 * {@link io.squall.backend.spirv.codegen.SpirvDisassembler} prints it;
 * {@link io.squall.backend.spirv.codegen.SpirvTools} runs spirv-val /
 * spirv-dis when installed; {@link io.squall.backend.spirv.codegen.SpirTranslator} turns a module into SPIR 1.2
 * bitcode for
 * cl_khr_spir devices (llvm-spirv-15). Devices and dispatch are in {@code io.squall.backend.spirv}.
 * Uses {@code jit} and {@code jit.ir}.
 */
package io.squall.backend.spirv.codegen;
