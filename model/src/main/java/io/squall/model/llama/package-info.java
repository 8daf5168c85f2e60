/**
 * Llama models: hyper-parameters from GGUF metadata, the model's weights as views of the mapped file, and the CPU
 * engine (the forward pass in the spirit of llama2.c's run.c, vectorized with the Vector API). Uses gguf, tensor and
 * tokenizer.
 */
package io.squall.model.llama;
