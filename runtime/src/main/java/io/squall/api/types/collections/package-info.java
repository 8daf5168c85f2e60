/** TornadoVM's vector collections over off-heap arrays (VectorFloat, VectorInt, VectorDouble). Uses
 * {@code api.types.arrays}.
 */
package io.squall.api.types.collections;
