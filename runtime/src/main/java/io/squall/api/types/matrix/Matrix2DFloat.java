package io.squall.api.types.matrix;

import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.collections.VectorFloat;

/** A row-major matrix of {@code float} (TornadoVM's Matrix2DFloat); on the JVM backend kernels use it directly. */
public final class Matrix2DFloat extends Matrix2DType {
    private final FloatArray storage;

    public Matrix2DFloat(int rows, int columns, FloatArray array) {
        super(rows, columns);
        checkShape(rows, columns, array);
        this.storage = array;
    }

    public Matrix2DFloat(int rows, int columns) {
        this(rows, columns, new FloatArray(rows * columns));
    }

    public Matrix2DFloat(float[][] matrix) {
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

    public float get(int i, int j) {
        return storage.get(toRowMajor(i, j, COLUMNS));
    }

    public void set(int i, int j, float value) {
        storage.set(toRowMajor(i, j, COLUMNS), value);
    }

    public void set(Matrix2DFloat m) {
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

    public VectorFloat row(int row) {
        VectorFloat v = new VectorFloat(COLUMNS);
        for (int j = 0; j < COLUMNS; j++) {
            v.set(j, get(row, j));
        }
        return v;
    }

    public VectorFloat column(int col) {
        VectorFloat v = new VectorFloat(ROWS);
        for (int i = 0; i < ROWS; i++) {
            v.set(i, get(i, col));
        }
        return v;
    }

    public VectorFloat diag() {
        VectorFloat v = new VectorFloat(Math.min(ROWS, COLUMNS));
        for (int i = 0; i < v.size(); i++) {
            v.set(i, get(i, i));
        }
        return v;
    }

    /** this = a x b. */
    public void multiply(Matrix2DFloat a, Matrix2DFloat b) {
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                float sum = 0;
                for (int k = 0; k < b.getNumRows(); k++) {
                    sum += a.get(row, k) * b.get(k, col);
                }
                set(row, col, sum);
            }
        }
    }

    public Matrix2DFloat duplicate() {
        Matrix2DFloat m = new Matrix2DFloat(ROWS, COLUMNS);
        m.set(this);
        return m;
    }

    /** Transposes a square matrix in place (TornadoVM leaves other shapes unchanged). */
    public static void transpose(Matrix2DFloat matrix) {
        if (matrix.ROWS == matrix.COLUMNS) {
            for (int i = 0; i < matrix.ROWS; i++) {
                for (int j = 0; j < i; j++) {
                    float t = matrix.get(i, j);
                    matrix.set(i, j, matrix.get(j, i));
                    matrix.set(j, i, t);
                }
            }
        }
    }

    public static void scale(Matrix2DFloat matrix, float value) {
        for (int i = 0; i < matrix.storage.getSize(); i++) {
            matrix.storage.set(i, matrix.storage.get(i) * value);
        }
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix2DFloat <" + ROWS + " x " + COLUMNS + ">");
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
