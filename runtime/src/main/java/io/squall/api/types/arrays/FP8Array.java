package io.squall.api.types.arrays;

import io.squall.api.types.FP8;

import java.lang.foreign.ValueLayout;

/** Off-heap array of 8-bit floats held as bytes, read as E4M3 or E5M2 (TornadoVM's FP8Array); host side and the JVM backend. */
public final class FP8Array extends TornadoNativeArray {
    public static final int ELEMENT_BYTES = 1;

    public FP8Array(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    public static FP8Array fromFloatsE4M3(float... values) {
        FP8Array a = new FP8Array(values.length);
        for (int i = 0; i < values.length; i++) {
            a.setE4M3(i, values[i]);
        }
        return a;
    }

    public static FP8Array fromFloatsE5M2(float... values) {
        FP8Array a = new FP8Array(values.length);
        for (int i = 0; i < values.length; i++) {
            a.setE5M2(i, values[i]);
        }
        return a;
    }

    public byte get(int index) {
        return segment.get(ValueLayout.JAVA_BYTE, checked(index));
    }

    public void set(int index, byte bits) {
        segment.set(ValueLayout.JAVA_BYTE, checked(index), bits);
    }

    public float getE4M3(int index) {
        return FP8.e4m3ToFloat(get(index));
    }

    public void setE4M3(int index, float value) {
        set(index, FP8.e4m3FromFloat(value));
    }

    public float getE5M2(int index) {
        return FP8.e5m2ToFloat(get(index));
    }

    public void setE5M2(int index, float value) {
        set(index, FP8.e5m2FromFloat(value));
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
