/**
 * Bindings to the CUDA driver API ({@code libcuda.so.1}) written with {@code java.lang.foreign}: devices, contexts,
 * PTX modules with the JIT log, streams, buffers (device and pinned host), events and graph capture. No JNI; a
 * missing driver is reported, never thrown at class loading. Uses nothing else of Squall.
 */
package io.squall.backend.ptx.driver;
