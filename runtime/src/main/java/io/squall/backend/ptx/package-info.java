/**
 * The PTX backend: NVIDIA GPUs through the CUDA driver API ({@code libcuda.so.1}, bound with java.lang.foreign),
 * running the JIT's kernels emitted as PTX by {@link io.squall.backend.ptx.codegen.PtxEmitter}.
 *
 * <ul>
 *   <li>Devices {@code ptx:0}, {@code ptx:1}, ... (compute capability 7.0 and newer) appear in
 *   {@code tornado --devices}
 *       and are accepted by {@code withDevice}, {@code -Dsquall.device=ptx:0} and {@code -D<graph>.<task>.device}.
 *       Without a driver the backend lists no devices and says why; the other backends are unaffected.</li>
 *   <li>Kernels are emitted for the device's own {@code sm_XY}; {@code tornado --printKernel} shows the PTX.</li>
 *   <li>{@code tornado --emit ptx --target sm_90 --out DIR ...} ({@code -Dsquall.emit=ptx -Dsquall.emit.target=sm_90})
 *       writes {@code <graph>.<task>.ptx} for every compiled task, with no GPU or driver (default target sm_80).</li>
 *   <li>{@code -Dsquall.cudaGraphs=true}: a re-executed plan whose copies and launches repeat with the same buffers
 *       is captured once into a CUDA graph and replayed with one launch per synchronization point (see
 *       {@link io.squall.backend.ptx.PtxDevice}).</li>
 * </ul>
 * Uses {@code backend}, {@code backend.ptx.codegen}, {@code backend.ptx.driver}, {@code jit}, {@code jit.ir}.
 */
package io.squall.backend.ptx;
