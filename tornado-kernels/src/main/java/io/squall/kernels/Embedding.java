package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.kernels.format.Formats;

/** Embedding lookup: x = row {@code state[0]} (the token id) of the embedding table, dequantized on the device. */
public final class Embedding {
    private Embedding() {}

    /** {@code format}: the table's {@link Formats} code. */
    public static void lookup(ByteArray table, IntArray state, FloatArray x, int dim, int format) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, Formats.element(format, table, base + i));
        }
    }
}
