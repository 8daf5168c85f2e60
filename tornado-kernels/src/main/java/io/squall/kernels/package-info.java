/**
 * Transformer kernels in Squall's kernel subset (static Java methods JIT-compiled to OpenCL C / PTX, or run by the
 * JVM backend), reading GGUF-encoded weights in place.
 * <ul>
 * <li>{@link io.squall.kernels.MatVec}: products with fused dequantization, one kernel per operation for every weight
 *     format (the format a {@link io.squall.kernels.format.Formats} code argument that specialization folds), a warp of
 *     lanes per row with a local-memory reduction (GPUs); residual add, gate/up+SiLU and q/k/v fusions.</li>
 * <li>{@link io.squall.kernels.MatVecRows}: the same products, one work-item per row (CPU OpenCL devices, the JVM).</li>
 * <li>{@link io.squall.kernels.MatMatRows}: weights x a batch of vectors (prefill), every format, one weight read per
 *     tile of 4 vectors; {@link io.squall.kernels.Prefill}: batched RMSNorm, RoPE with the cache write, causal
 *     attention over a chunk of prompt tokens.</li>
 * <li>{@link io.squall.kernels.RmsNorm} (one work-group), {@link io.squall.kernels.Rope} (with the key/value cache
 *     write), {@link io.squall.kernels.Attention} (split-K decode attention, GQA, online-softmax combine),
 *     {@link io.squall.kernels.Embedding}, {@link io.squall.kernels.Activations}, {@link io.squall.kernels.Sampling}
 *     (argmax, top-k).</li>
 * </ul>
 * The formats themselves (block sizes, element decoders, block dot products) are in io.squall.kernels.format.
 * {@link io.squall.kernels.graphs.LlamaGraphs} assembles them into the per-device task graphs of a Llama layer range.
 */
package io.squall.kernels;
