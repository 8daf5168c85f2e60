/** TornadoVM's small vector types (Float2..16, Int2..16, Double2..16) held in off-heap arrays; host side and the JVM
 * backend.
 * Uses {@code api.types.arrays}.
 */
package io.squall.api.types.vectors;
