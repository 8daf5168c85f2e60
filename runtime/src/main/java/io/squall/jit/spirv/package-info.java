/**
 * The SPIR-V backend: {@link io.squall.jit.spirv.SpirvEmitter} turns a kernel's IR into a SPIR-V module for the
 * OpenCL environment ({@link io.squall.jit.spirv.SpirvBinary}, words or little-endian bytes);
 * {@link io.squall.jit.spirv.SpirvDisassembler} prints it; {@link io.squall.jit.spirv.SpirvTools} runs spirv-val /
 * spirv-dis when installed; {@link io.squall.jit.spirv.SpirTranslator} turns a module into SPIR 1.2 bitcode for
 * cl_khr_spir devices (llvm-spirv-15). Dispatch lives in {@code io.squall.exec.device.spirv}.
 */
package io.squall.jit.spirv;
