package io.squall.api.types.matrix;

import io.squall.api.types.arrays.FloatArray;

/** A rows x columns x depth matrix of {@code float} (TornadoVM's Matrix3DFloat). */
public final class Matrix3DFloat extends Matrix3DType {
    private final FloatArray storage;

    public Matrix3DFloat(int rows, int columns, int depth, FloatArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth, array);
        this.storage = array;
    }

    public Matrix3DFloat(int rows, int columns, int depth) {
        this(rows, columns, depth, new FloatArray(rows * columns * depth));
    }

    public Matrix3DFloat(float[][][] matrix) {
        this(matrix.length, matrix[0].length, matrix[0][0].length);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                for (int k = 0; k < DEPTH; k++) {
                    set(i, j, k, matrix[i][j][k]);
                }
            }
        }
    }

    public float get(int i, int j, int k) {
        return storage.get(index(i, j, k));
    }

    public void set(int i, int j, int k, float value) {
        storage.set(index(i, j, k), value);
    }

    public void set(Matrix3DFloat m) {
        for (int i = 0; i < m.storage.getSize(); i++) {
            storage.set(i, m.storage.get(i));
        }
    }

    public void fill(float value) {
        storage.init(value);
    }

    public void clear() {
        storage.init((float) 0);
    }

    public Matrix3DFloat duplicate() {
        Matrix3DFloat m = new Matrix3DFloat(ROWS, COLUMNS, DEPTH);
        m.set(this);
        return m;
    }

    public static void scale(Matrix3DFloat matrix, float value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, (matrix.storage.get(i) * value));
        }
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Matrix3DFloat <" + ROWS + " x " + COLUMNS + " x " + DEPTH + ">";
    }
}
