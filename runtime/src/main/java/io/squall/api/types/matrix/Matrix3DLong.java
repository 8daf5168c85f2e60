package io.squall.api.types.matrix;

import io.squall.api.types.arrays.LongArray;

/** A rows x columns x depth matrix of {@code long} (TornadoVM's Matrix3DLong). */
public final class Matrix3DLong extends Matrix3DType {
    private final LongArray storage;

    public Matrix3DLong(int rows, int columns, int depth, LongArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth, array);
        this.storage = array;
    }

    public Matrix3DLong(int rows, int columns, int depth) {
        this(rows, columns, depth, new LongArray(rows * columns * depth));
    }

    public Matrix3DLong(long[][][] matrix) {
        this(matrix.length, matrix[0].length, matrix[0][0].length);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                for (int k = 0; k < DEPTH; k++) {
                    set(i, j, k, matrix[i][j][k]);
                }
            }
        }
    }

    public long get(int i, int j, int k) {
        return storage.get(index(i, j, k));
    }

    public void set(int i, int j, int k, long value) {
        storage.set(index(i, j, k), value);
    }

    public void set(Matrix3DLong m) {
        for (int i = 0; i < m.storage.getSize(); i++) {
            storage.set(i, m.storage.get(i));
        }
    }

    public void fill(long value) {
        storage.init(value);
    }

    public void clear() {
        storage.init((long) 0);
    }

    public Matrix3DLong duplicate() {
        Matrix3DLong m = new Matrix3DLong(ROWS, COLUMNS, DEPTH);
        m.set(this);
        return m;
    }

    public static void scale(Matrix3DLong matrix, long value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, (matrix.storage.get(i) * value));
        }
    }

    @Override
    public LongArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Matrix3DLong <" + ROWS + " x " + COLUMNS + " x " + DEPTH + ">";
    }
}
