/**
 * {@code spirv:N} devices: OpenCL devices that run the SPIR-V backend's kernels, through clCreateProgramWithIL or,
 * for cl_khr_spir devices on LLVM 15+ (PoCL), through SPIR 1.2 bitcode ({@link io.squall.backend.spirv.SpirvRoute});
 * plugged in with {@code META-INF/services}, as is the {@code spirv} code emitter for {@code --emit spirv}. Uses
 * {@code backend}, {@code backend.spirv.codegen}, {@code jit} and the OpenCL backend's device and
 * driver ({@code backend.opencl}, {@code backend.opencl.driver}): SPIR-V has no driver of its own.
 */
package io.squall.backend.spirv;
