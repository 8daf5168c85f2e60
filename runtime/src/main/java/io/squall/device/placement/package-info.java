/**
 * Where each part of a model runs: {@code devices.json} parsed and validated
 * ({@link io.squall.device.placement.DeviceMap},
 * errors with their JSON path), the planner that turns it into a {@link io.squall.device.placement.Placement} of layer
 * ranges per device (explicit, or {@code auto} by type, bandwidth and memory: {@code AutoPlacement} decides,
 * {@code AutoExplanation} says why), bandwidth probing and its cache, and the AOT kernel-binary flow for devices that
 * cannot JIT. Uses {@code api}, {@code device}, {@code backend} (and {@code backend.opencl} for AOT builds),
 * {@code jit}, {@code exec}; only the engine above uses it.
 */
package io.squall.device.placement;
