package io.squall.api.types.collections;

import io.squall.api.types.arrays.DoubleArray;

/** A growable-free vector of {@code double} over an off-heap array (TornadoVM's VectorDouble). */
public final class VectorDouble {
    private final DoubleArray storage;

    public VectorDouble(int numElements) {
        this(numElements, new DoubleArray(numElements));
    }

    public VectorDouble(int numElements, DoubleArray array) {
        if (array.getSize() != numElements) {
            throw new IllegalArgumentException("a vector of " + numElements + " over an array of " + array.getSize());
        }
        this.storage = array;
    }

    public VectorDouble(DoubleArray array) {
        this(array.getSize(), array);
    }

    public double get(int index) {
        return storage.get(index);
    }

    public void set(int index, double value) {
        storage.set(index, value);
    }

    public void fill(double value) {
        storage.init(value);
    }

    public int size() {
        return storage.getSize();
    }

    public int getLength() {
        return size();
    }

    public DoubleArray getArray() {
        return storage;
    }

    public double sum() {
        double s = 0;
        for (int i = 0; i < size(); i++) {
            s += get(i);
        }
        return s;
    }

    public double min() {
        double m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.min(m, get(i));
        }
        return m;
    }

    public double max() {
        double m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.max(m, get(i));
        }
        return m;
    }

    public static double dot(VectorDouble a, VectorDouble b) {
        double s = 0;
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
