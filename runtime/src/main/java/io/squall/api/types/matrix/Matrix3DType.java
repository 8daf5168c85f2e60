package io.squall.api.types.matrix;

import io.squall.api.types.arrays.TornadoNativeArray;

/** A rows x columns x depth matrix stored row-major over an off-heap array (TornadoVM's Matrix3DType). */
public abstract class Matrix3DType implements io.squall.api.types.arrays.ArrayBacked {
    protected final int ROWS;
    protected final int COLUMNS;
    protected final int DEPTH;

    protected Matrix3DType(int rows, int columns, int depth) {
        if (rows <= 0 || columns <= 0 || depth <= 0) {
            throw new IllegalArgumentException(
                    "a matrix needs positive dimensions, got " + rows + " x " + columns + " x " + depth);
        }
        this.ROWS = rows;
        this.COLUMNS = columns;
        this.DEPTH = depth;
    }

    public int getNumRows() {
        return ROWS;
    }

    public int getNumColumns() {
        return COLUMNS;
    }

    public int getDepth() {
        return DEPTH;
    }

    public int size() {
        return ROWS * COLUMNS * DEPTH;
    }

    /** Element (i, j, k) is at (i * COLUMNS + j) * DEPTH + k. */
    protected int index(int i, int j, int k) {
        return (i * COLUMNS + j) * DEPTH + k;
    }

    protected static void checkShape(long elements, TornadoNativeArray storage) {
        if (elements != storage.getSize()) {
            throw new IllegalArgumentException(
                    "a matrix of " + elements + " elements over an array of " + storage.getSize());
        }
    }
}
