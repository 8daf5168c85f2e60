package io.squall.api.types.matrix;

import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.collections.VectorDouble;

/** A row-major matrix of {@code double} (TornadoVM's Matrix2DDouble); on the JVM backend kernels use it directly. */
public final class Matrix2DDouble extends Matrix2DType {
    private final DoubleArray storage;

    public Matrix2DDouble(int rows, int columns, DoubleArray array) {
        super(rows, columns);
        checkShape(rows, columns, array);
        this.storage = array;
    }

    public Matrix2DDouble(int rows, int columns) {
        this(rows, columns, new DoubleArray(rows * columns));
    }

    public Matrix2DDouble(double[][] matrix) {
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

    public double get(int i, int j) {
        return storage.get(toRowMajor(i, j, COLUMNS));
    }

    public void set(int i, int j, double value) {
        storage.set(toRowMajor(i, j, COLUMNS), value);
    }

    public void set(Matrix2DDouble m) {
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

    public VectorDouble row(int row) {
        VectorDouble v = new VectorDouble(COLUMNS);
        for (int j = 0; j < COLUMNS; j++) {
            v.set(j, get(row, j));
        }
        return v;
    }

    public VectorDouble column(int col) {
        VectorDouble v = new VectorDouble(ROWS);
        for (int i = 0; i < ROWS; i++) {
            v.set(i, get(i, col));
        }
        return v;
    }

    public VectorDouble diag() {
        VectorDouble v = new VectorDouble(Math.min(ROWS, COLUMNS));
        for (int i = 0; i < v.size(); i++) {
            v.set(i, get(i, i));
        }
        return v;
    }

    /** this = a x b. */
    public void multiply(Matrix2DDouble a, Matrix2DDouble b) {
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                double sum = 0;
                for (int k = 0; k < b.getNumRows(); k++) {
                    sum += a.get(row, k) * b.get(k, col);
                }
                set(row, col, sum);
            }
        }
    }

    public Matrix2DDouble duplicate() {
        Matrix2DDouble m = new Matrix2DDouble(ROWS, COLUMNS);
        m.set(this);
        return m;
    }

    /** Transposes a square matrix in place (TornadoVM leaves other shapes unchanged). */
    public static void transpose(Matrix2DDouble matrix) {
        if (matrix.ROWS == matrix.COLUMNS) {
            for (int i = 0; i < matrix.ROWS; i++) {
                for (int j = 0; j < i; j++) {
                    double t = matrix.get(i, j);
                    matrix.set(i, j, matrix.get(j, i));
                    matrix.set(j, i, t);
                }
            }
        }
    }

    public static void scale(Matrix2DDouble matrix, double value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, matrix.storage.get(i) * value);
        }
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix2DDouble <" + ROWS + " x " + COLUMNS + ">");
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
