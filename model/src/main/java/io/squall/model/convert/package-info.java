/**
 * Model tools: llama2.c checkpoints to GGUF, synthetic Llama-shaped models of any size and tensor type (tests and
 * benchmarks), and the tensor encodings they share. Uses gguf and tensor.
 */
package io.squall.model.convert;
