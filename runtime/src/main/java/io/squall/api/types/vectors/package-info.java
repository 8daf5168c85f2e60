/** TornadoVM's small vector types (Float2..16, Int2..16, Double2..16) held in off-heap arrays; host side and the JVM
 * backend.
 * In kernels, Float4/8/16 values made by their static factories ({@code loadFromArray}, {@code loadFromBytes},
 * {@code loadLowNibbles}, {@code loadHighNibbles}, {@code broadcast}) are vector values: OpenCL C vector types
 * ({@code float16}, {@code vload16}), lanes on PTX and SPIR-V; the Java methods here are their reference semantics.
 * Uses {@code api.types.arrays}.
 */
package io.squall.api.types.vectors;
