package io.squall.api.types.matrix;

import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float4;

/** A rows x columns x depth matrix of {@link Float4} over rows * columns * depth * 4 floats (TornadoVM's Matrix3DFloat4). */
public final class Matrix3DFloat4 extends Matrix3DType {
    private static final int LANES = 4;
    private final FloatArray storage;

    public Matrix3DFloat4(int rows, int columns, int depth, FloatArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth * LANES, array);
        this.storage = array;
    }

    public Matrix3DFloat4(int rows, int columns, int depth) {
        this(rows, columns, depth, new FloatArray(rows * columns * depth * LANES));
    }

    public Float4 get(int i, int j, int k) {
        int base = index(i, j, k) * LANES;
        return new Float4(storage.get(base), storage.get(base + 1), storage.get(base + 2), storage.get(base + 3));
    }

    public void set(int i, int j, int k, Float4 value) {
        int base = index(i, j, k) * LANES;
        for (int l = 0; l < LANES; l++) {
            storage.set(base + l, value.get(l));
        }
    }

    public void fill(float value) {
        storage.init(value);
    }

    public void clear() {
        storage.init(0f);
    }

    @Override
    public int size() {
        return ROWS * COLUMNS * DEPTH * LANES;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }
}
