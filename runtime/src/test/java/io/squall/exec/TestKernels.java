package io.squall.exec;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;

/** Small kernels for the executor's tests. */
public final class TestKernels {
    private TestKernels() {}

    public static void add(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    public static void twice(FloatArray a, FloatArray b) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, 2 * a.get(i));
        }
    }

    public static void plusOne(FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, b.get(i) + 1);
        }
    }

    public static void scaleInPlace(FloatArray a, float factor) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, a.get(i) * factor);
        }
    }

    /** {@link #scaleInPlace} whose factor stays a run-time argument under scalar specialization. */
    public static void scaleInPlaceDynamic(FloatArray a, @io.squall.api.annotations.Dynamic float factor) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, a.get(i) * factor);
        }
    }

    public static void saxpyHeap(float alpha, float[] x, float[] y) {
        for (@Parallel int i = 0; i < y.length; i++) {
            y[i] = alpha * x[i] + y[i];
        }
    }

    public static void indexWithContext(KernelContext context, FloatArray out) {
        int i = context.globalIdx;
        if (i < out.getSize()) {
            out.set(i, i);
        }
    }

    /** Not in the kernel subset: allocates an object, so the JIT rejects it. */
    public static void allocates(FloatArray out) {
        float[] tmp = new float[] {1f};
        StringBuilder sb = new StringBuilder("x");
        out.set(0, tmp[0] + sb.length());
    }

    /** Used only by the kernel-cache test, so no other test compiles it first. */
    public static void cacheProbe(FloatArray a, FloatArray b) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, a.get(i) * 3 + 1);
        }
    }

    /** Used only by the emission test. */
    public static void emitProbe(FloatArray a, FloatArray b) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, a.get(i) - 1);
        }
    }

    static FloatArray filled(int n, float start) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, start + i);
        }
        return a;
    }
}
