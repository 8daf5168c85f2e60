package io.squall.api.types.matrix;

/**
 * An 8x8 single-precision matrix fragment of a SIMD group (TornadoVM's handle for Metal's {@code simdgroup_float8x8}),
 * produced and consumed by {@code KernelContext.simdgroupMatrix*}. On a matrix unit the 32 lanes share one fragment in
 * registers; on the JVM every lane holds the whole matrix here, row-major ({@code values[row * 8 + col]}), and
 * computes it in full, which gives every lane the same result.
 */
public final class Matrix8x8Float {
    /** TornadoVM's constant, kept for source compatibility. */
    public static final Class<Matrix8x8Float> TYPE = Matrix8x8Float.class;

    /** Row-major storage, 64 elements. */
    public final float[] values;

    /** A zero matrix. */
    public Matrix8x8Float() {
        this.values = new float[64];
    }

    public float get(int row, int col) {
        return values[index(row, col)];
    }

    public void set(int row, int col, float value) {
        values[index(row, col)] = value;
    }

    private static int index(int row, int col) {
        if (row < 0 || row >= 8 || col < 0 || col >= 8) {
            throw new IndexOutOfBoundsException("Matrix8x8Float element (" + row + ", " + col + ") is outside 8x8");
        }
        return row * 8 + col;
    }
}
