package io.squall.api.types.collections;

import io.squall.api.types.arrays.IntArray;

/** A growable-free vector of {@code int} over an off-heap array (TornadoVM's VectorInt). */
public final class VectorInt {
    private final IntArray storage;

    public VectorInt(int numElements) {
        this(numElements, new IntArray(numElements));
    }

    public VectorInt(int numElements, IntArray array) {
        if (array.getSize() != numElements) {
            throw new IllegalArgumentException("a vector of " + numElements + " over an array of " + array.getSize());
        }
        this.storage = array;
    }

    public VectorInt(IntArray array) {
        this(array.getSize(), array);
    }

    public int get(int index) {
        return storage.get(index);
    }

    public void set(int index, int value) {
        storage.set(index, value);
    }

    public void fill(int value) {
        storage.init(value);
    }

    public int size() {
        return storage.getSize();
    }

    public int getLength() {
        return size();
    }

    public IntArray getArray() {
        return storage;
    }

    public int sum() {
        int s = 0;
        for (int i = 0; i < size(); i++) {
            s += get(i);
        }
        return s;
    }

    public int min() {
        int m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.min(m, get(i));
        }
        return m;
    }

    public int max() {
        int m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.max(m, get(i));
        }
        return m;
    }

    public static int dot(VectorInt a, VectorInt b) {
        int s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(']').toString();
    }
}
