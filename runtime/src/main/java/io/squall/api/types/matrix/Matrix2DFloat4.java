package io.squall.api.types.matrix;

import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.collections.VectorFloat;
import io.squall.api.types.vectors.Float4;

/**
 * A rows x columns matrix of {@link Float4} over rows * columns * 4 floats (TornadoVM's Matrix2DFloat4). Unlike
 * TornadoVM, the array must have exactly that size, and {@link #row} returns the row's 4 * columns lanes.
 */
public final class Matrix2DFloat4 extends Matrix2DType {
    private static final int LANES = 4;
    private final FloatArray storage;

    public Matrix2DFloat4(int rows, int columns, FloatArray array) {
        super(rows, columns);
        if ((long) rows * columns * LANES != array.getSize()) {
            throw new IllegalArgumentException("a " + rows + " x " + columns + " Float4 matrix needs "
                    + (long) rows * columns * LANES + " floats, the array has " + array.getSize());
        }
        this.storage = array;
    }

    public Matrix2DFloat4(int rows, int columns) {
        this(rows, columns, new FloatArray(rows * columns * LANES));
    }

    public Float4 get(int i, int j) {
        int base = (i * COLUMNS + j) * LANES;
        return new Float4(storage.get(base), storage.get(base + 1), storage.get(base + 2), storage.get(base + 3));
    }

    public void set(int i, int j, Float4 value) {
        int base = (i * COLUMNS + j) * LANES;
        for (int l = 0; l < LANES; l++) {
            storage.set(base + l, value.get(l));
        }
    }

    public VectorFloat row(int row) {
        VectorFloat v = new VectorFloat(COLUMNS * LANES);
        for (int l = 0; l < COLUMNS * LANES; l++) {
            v.set(l, storage.get(row * COLUMNS * LANES + l));
        }
        return v;
    }

    public void fill(float value) {
        storage.init(value);
    }

    public void clear() {
        storage.init(0f);
    }

    public Matrix2DFloat4 duplicate() {
        Matrix2DFloat4 m = new Matrix2DFloat4(ROWS, COLUMNS);
        for (int i = 0; i < storage.getSize(); i++) {
            m.storage.set(i, storage.get(i));
        }
        return m;
    }

    @Override
    public int size() {
        return ROWS * COLUMNS * LANES;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }
}
