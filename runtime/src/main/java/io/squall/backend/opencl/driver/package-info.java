/**
 * Bindings to OpenCL ({@code libOpenCL.so.1}, the ICD loader) written with {@code java.lang.foreign}: platforms,
 * devices, contexts, queues, buffers, programs from source, binary or IL with their build logs, kernels and events.
 * No JNI; a missing loader is reported, never thrown at class loading. Uses nothing else of Squall.
 */
package io.squall.backend.opencl.driver;
