/**
 * The weight formats: {@link io.squall.kernels.format.BlockFormat}, the table of ggml's block sizes that the model and
 * the kernels share, and for each format the kernels read, a class with its byte layout, its element decoder and its
 * block dot product ({@link io.squall.kernels.format.Q8_0Block}, ...), reached from the kernels through the switches
 * of {@link io.squall.kernels.format.Formats} on a format code that scalar specialization makes a constant.
 * May use the runtime's API (arrays) only; everything here is kernel code (the JIT inlines it) except the enum.
 */
package io.squall.kernels.format;
