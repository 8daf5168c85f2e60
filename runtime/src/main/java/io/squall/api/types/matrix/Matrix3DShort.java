package io.squall.api.types.matrix;

import io.squall.api.types.arrays.ShortArray;

/** A rows x columns x depth matrix of {@code short} (TornadoVM's Matrix3DShort). */
public final class Matrix3DShort extends Matrix3DType {
    private final ShortArray storage;

    public Matrix3DShort(int rows, int columns, int depth, ShortArray array) {
        super(rows, columns, depth);
        checkShape((long) rows * columns * depth, array);
        this.storage = array;
    }

    public Matrix3DShort(int rows, int columns, int depth) {
        this(rows, columns, depth, new ShortArray(rows * columns * depth));
    }

    public Matrix3DShort(short[][][] matrix) {
        this(matrix.length, matrix[0].length, matrix[0][0].length);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                for (int k = 0; k < DEPTH; k++) {
                    set(i, j, k, matrix[i][j][k]);
                }
            }
        }
    }

    public short get(int i, int j, int k) {
        return storage.get(index(i, j, k));
    }

    public void set(int i, int j, int k, short value) {
        storage.set(index(i, j, k), value);
    }

    public void set(Matrix3DShort m) {
        for (int i = 0; i < m.storage.getSize(); i++) {
            storage.set(i, m.storage.get(i));
        }
    }

    public void fill(short value) {
        storage.init(value);
    }

    public void clear() {
        storage.init((short) 0);
    }

    public Matrix3DShort duplicate() {
        Matrix3DShort m = new Matrix3DShort(ROWS, COLUMNS, DEPTH);
        m.set(this);
        return m;
    }

    public static void scale(Matrix3DShort matrix, short value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, (short) (matrix.storage.get(i) * value));
        }
    }

    @Override
    public ShortArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Matrix3DShort <" + ROWS + " x " + COLUMNS + " x " + DEPTH + ">";
    }
}
