package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.IntArray;

/** Embedding lookup: x = row {@code state[0]} (the token id) of the embedding table, dequantized on the device. */
public final class Embedding {
    private Embedding() {
    }

    public static void f32(FloatArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, table.get(base + i));
        }
    }

    public static void f16(HalfFloatArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, table.getFloat(base + i));
        }
    }

    public static void bf16(ByteArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, MatVec.bf16(table, base + i));
        }
    }

    public static void q8_0(ByteArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, Dequant.q8_0(table, base + i));
        }
    }

    public static void q4_0(ByteArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, Dequant.q4_0(table, base + i));
        }
    }

    public static void q4_k(ByteArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, Dequant.q4_k(table, base + i));
        }
    }

    public static void q6_k(ByteArray table, IntArray state, FloatArray x, int dim) {
        int base = state.get(0) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, Dequant.q6_k(table, base + i));
        }
    }
}
