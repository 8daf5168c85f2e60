/**
 * Task-graph builders: {@link io.squall.kernels.graphs.LlamaGraphs} assembles the kernels into the decode and prefill
 * graphs of a Llama layer range for one device, from {@link io.squall.kernels.graphs.DeviceWeight}s (views of
 * GGUF-encoded weights with their {@link io.squall.kernels.format.BlockFormat}). Uses the runtime API and the kernels;
 * knows nothing of GGUF files (the model package hands it the views).
 */
package io.squall.kernels.graphs;
