package io.squall.api.types.matrix;

import io.squall.api.types.arrays.IntArray;

/** A rows x columns x depth matrix of {@code int} (TornadoVM's Matrix3DInt). */
public final class Matrix3DInt extends Matrix3DType {
    private final IntArray storage;

    public Matrix3DInt(int rows, int columns, int depth, IntArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth, array);
        this.storage = array;
    }

    public Matrix3DInt(int rows, int columns, int depth) {
        this(rows, columns, depth, new IntArray(rows * columns * depth));
    }

    public Matrix3DInt(int[][][] matrix) {
        this(matrix.length, matrix[0].length, matrix[0][0].length);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                for (int k = 0; k < DEPTH; k++) {
                    set(i, j, k, matrix[i][j][k]);
                }
            }
        }
    }

    public int get(int i, int j, int k) {
        return storage.get(index(i, j, k));
    }

    public void set(int i, int j, int k, int value) {
        storage.set(index(i, j, k), value);
    }

    public void set(Matrix3DInt m) {
        for (int i = 0; i < m.storage.getSize(); i++) {
            storage.set(i, m.storage.get(i));
        }
    }

    public void fill(int value) {
        storage.init(value);
    }

    public void clear() {
        storage.init(0);
    }

    public Matrix3DInt duplicate() {
        Matrix3DInt m = new Matrix3DInt(ROWS, COLUMNS, DEPTH);
        m.set(this);
        return m;
    }

    public static void scale(Matrix3DInt matrix, int value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, (matrix.storage.get(i) * value));
        }
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Matrix3DInt <" + ROWS + " x " + COLUMNS + " x " + DEPTH + ">";
    }
}
