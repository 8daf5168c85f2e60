/**
 * PTX kernel benchmarks on an NVIDIA GPU (matmul, quantized matvec, launch overhead); skipped without a CUDA driver.
 */
package io.squall.bench.ptx;
