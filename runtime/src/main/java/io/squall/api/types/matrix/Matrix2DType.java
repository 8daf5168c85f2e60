package io.squall.api.types.matrix;

import io.squall.api.types.arrays.TornadoNativeArray;

/** A row-major matrix over an off-heap array: transfers move that array; {@code ROWS} x {@code COLUMNS} as in TornadoVM. */
public abstract class Matrix2DType implements io.squall.api.types.arrays.ArrayBacked {
    protected final int ROWS;
    protected final int COLUMNS;

    protected Matrix2DType(int rows, int columns) {
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("a matrix needs positive dimensions, got " + rows + " x " + columns);
        }
        this.ROWS = rows;
        this.COLUMNS = columns;
    }

    public int getNumRows() {
        return ROWS;
    }

    public int getNumColumns() {
        return COLUMNS;
    }

    public int size() {
        return ROWS * COLUMNS;
    }

    /** The off-heap array holding the elements row by row; what task graphs transfer for this matrix. */
    public abstract TornadoNativeArray getStorage();

    protected static int toRowMajor(int row, int column, int columns) {
        return row * columns + column;
    }

    protected static void checkShape(int rows, int columns, TornadoNativeArray storage) {
        if ((long) rows * columns != storage.getSize()) {
            throw new IllegalArgumentException(
                    "a " + rows + " x " + columns + " matrix over an array of " + storage.getSize() + " elements");
        }
    }
}
