/**
 * The OpenCL backend's side of the device SPI: {@code opencl:N} devices over {@code driver.opencl}, compiling the
 * IR to OpenCL C ({@code jit.opencl}), building programs (source, or AOT binaries), binding arguments and launching.
 */
package io.squall.backend.opencl;
