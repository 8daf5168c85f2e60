/**
 * The OpenCL backend: {@code opencl:N} devices over {@code backend.opencl.driver}, compiling the IR to OpenCL C
 * ({@code backend.opencl.codegen}), building programs (source, or AOT binaries), binding arguments and launching; the
 * {@code opencl} code emitter. Uses {@code backend}, its own {@code codegen} and {@code driver}, {@code jit},
 * {@code jit.compiler}, {@code jit.ir}.
 */
package io.squall.backend.opencl;
