package io.squall.api.types.matrix;

import io.squall.api.types.arrays.DoubleArray;

/** A rows x columns x depth matrix of {@code double} (TornadoVM's Matrix3DDouble). */
public final class Matrix3DDouble extends Matrix3DType {
    private final DoubleArray storage;

    public Matrix3DDouble(int rows, int columns, int depth, DoubleArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth, array);
        this.storage = array;
    }

    public Matrix3DDouble(int rows, int columns, int depth) {
        this(rows, columns, depth, new DoubleArray(rows * columns * depth));
    }

    public Matrix3DDouble(double[][][] matrix) {
        this(matrix.length, matrix[0].length, matrix[0][0].length);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                for (int k = 0; k < DEPTH; k++) {
                    set(i, j, k, matrix[i][j][k]);
                }
            }
        }
    }

    public double get(int i, int j, int k) {
        return storage.get(index(i, j, k));
    }

    public void set(int i, int j, int k, double value) {
        storage.set(index(i, j, k), value);
    }

    public void set(Matrix3DDouble m) {
        for (int i = 0; i < m.storage.getSize(); i++) {
            storage.set(i, m.storage.get(i));
        }
    }

    public void fill(double value) {
        storage.init(value);
    }

    public void clear() {
        storage.init((double) 0);
    }

    public Matrix3DDouble duplicate() {
        Matrix3DDouble m = new Matrix3DDouble(ROWS, COLUMNS, DEPTH);
        m.set(this);
        return m;
    }

    public static void scale(Matrix3DDouble matrix, double value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, (matrix.storage.get(i) * value));
        }
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Matrix3DDouble <" + ROWS + " x " + COLUMNS + " x " + DEPTH + ">";
    }
}
