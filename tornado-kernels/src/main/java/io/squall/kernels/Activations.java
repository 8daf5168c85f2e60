package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.FloatArray;

/** Element-wise steps for when they cannot be fused into a product (gate and up stored in different types). */
public final class Activations {
    private Activations() {}

    /** gate = silu(gate) * up. */
    public static void swiglu(FloatArray gate, FloatArray up, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float g = gate.get(i);
            gate.set(i, g / (1f + TornadoMath.exp(-g)) * up.get(i));
        }
    }
}
