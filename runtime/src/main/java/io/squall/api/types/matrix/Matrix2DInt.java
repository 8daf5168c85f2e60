package io.squall.api.types.matrix;

import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.collections.VectorInt;

/** A row-major matrix of {@code int} (TornadoVM's Matrix2DInt); on the JVM backend kernels use it directly. */
public final class Matrix2DInt extends Matrix2DType {
    private final IntArray storage;

    public Matrix2DInt(int rows, int columns, IntArray array) {
        super(rows, columns);
        checkShape(rows, columns, array);
        this.storage = array;
    }

    public Matrix2DInt(int rows, int columns) {
        this(rows, columns, new IntArray(rows * columns));
    }

    public Matrix2DInt(int[][] matrix) {
        this(matrix.length, matrix[0].length);
        for (int i = 0; i < ROWS; i++) {
            if (matrix[i].length != COLUMNS) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + matrix[i].length + " elements, row 0 has " + COLUMNS);
            }
            for (int j = 0; j < COLUMNS; j++) {
                set(i, j, matrix[i][j]);
            }
        }
    }

    public int get(int i, int j) {
        return storage.get(toRowMajor(i, j, COLUMNS));
    }

    public void set(int i, int j, int value) {
        storage.set(toRowMajor(i, j, COLUMNS), value);
    }

    public void set(Matrix2DInt m) {
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

    public VectorInt row(int row) {
        VectorInt v = new VectorInt(COLUMNS);
        for (int j = 0; j < COLUMNS; j++) {
            v.set(j, get(row, j));
        }
        return v;
    }

    public VectorInt column(int col) {
        VectorInt v = new VectorInt(ROWS);
        for (int i = 0; i < ROWS; i++) {
            v.set(i, get(i, col));
        }
        return v;
    }

    public VectorInt diag() {
        VectorInt v = new VectorInt(Math.min(ROWS, COLUMNS));
        for (int i = 0; i < v.size(); i++) {
            v.set(i, get(i, i));
        }
        return v;
    }

    /** this = a x b. */
    public void multiply(Matrix2DInt a, Matrix2DInt b) {
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                int sum = 0;
                for (int k = 0; k < b.getNumRows(); k++) {
                    sum += a.get(row, k) * b.get(k, col);
                }
                set(row, col, sum);
            }
        }
    }

    public Matrix2DInt duplicate() {
        Matrix2DInt m = new Matrix2DInt(ROWS, COLUMNS);
        m.set(this);
        return m;
    }

    /** Transposes a square matrix in place (TornadoVM leaves other shapes unchanged). */
    public static void transpose(Matrix2DInt matrix) {
        if (matrix.ROWS == matrix.COLUMNS) {
            for (int i = 0; i < matrix.ROWS; i++) {
                for (int j = 0; j < i; j++) {
                    int t = matrix.get(i, j);
                    matrix.set(i, j, matrix.get(j, i));
                    matrix.set(j, i, t);
                }
            }
        }
    }

    public static void scale(Matrix2DInt matrix, int value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, matrix.storage.get(i) * value);
        }
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix2DInt <" + ROWS + " x " + COLUMNS + ">");
        if (ROWS < 16 && COLUMNS < 16) {
            for (int i = 0; i < ROWS; i++) {
                sb.append('\n');
                for (int j = 0; j < COLUMNS; j++) {
                    sb.append(get(i, j)).append(' ');
                }
            }
        }
        return sb.toString();
    }
}
