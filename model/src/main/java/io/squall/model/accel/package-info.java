/**
 * The accelerated engine: the Llama forward pass as the task graphs of io.squall.kernels.graphs on the devices the
 * placement layer chooses ({@link io.squall.model.accel.AcceleratedEngine}), and the engine for a {@code --device}
 * value ({@link io.squall.model.accel.Engines}). Uses the runtime API, tornado-kernels and the model packages
 * (gguf, llama, tensor); nothing here computes on the host except layers placed on the CPU engine.
 */
package io.squall.model.accel;
