package io.squall.api.types.arrays;

/** A TornadoVM value type (vector, matrix) held in an off-heap array: task graphs transfer that array for it. */
public interface ArrayBacked {
    TornadoNativeArray getStorage();
}
