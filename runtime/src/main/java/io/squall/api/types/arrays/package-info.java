/**
 * Off-heap arrays ({@code FloatArray}, {@code HalfFloatArray}, {@code Int8Array}, {@code ByteArray}, ...) over a
 * {@link java.lang.foreign.MemorySegment}, also as views over existing segments (memory-mapped weights reach a device
 * without a host copy); {@code ArrayBacked} for value types stored in one. Uses {@code api.types}.
 */
package io.squall.api.types.arrays;
