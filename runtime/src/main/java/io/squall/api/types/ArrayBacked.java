package io.squall.api.types;

import io.squall.api.types.arrays.TornadoNativeArray;

/** A TornadoVM value type (vector, matrix) held in an off-heap array: task graphs transfer that array for it. */
public interface ArrayBacked {
    TornadoNativeArray getStorage();
}
