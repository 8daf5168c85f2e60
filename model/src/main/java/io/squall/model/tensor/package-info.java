/**
 * Tensor types and their arithmetic on the CPU: ggml's block layouts (sizes from the table in
 * io.squall.kernels.format, shared with the device kernels), quantization, dequantization, float and integer dot
 * products with the Vector API, weight matrices, the worker pool and the memory-bandwidth probe.
 */
package io.squall.model.tensor;
