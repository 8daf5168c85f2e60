/** TornadoVM's vector collections over off-heap arrays (VectorFloat, VectorInt, VectorDouble). */
package io.squall.api.types.collections;
