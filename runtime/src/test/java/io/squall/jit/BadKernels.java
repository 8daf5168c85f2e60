package io.squall.jit;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.vectors.Float4;

import java.util.ArrayList;
import java.util.List;

/** Kernels outside the subset; each must be rejected at compile time. Line markers are checked by the test. */
@SuppressWarnings("all")
final class BadKernels {
    static int counter;
    static final Object LOCK = new Object();

    static void allocation(FloatArray a) {
        List<Float> l = new ArrayList<>(); // LINE:allocation
        a.set(0, 1f);
    }

    static void throwing(FloatArray a) {
        if (a.get(0) < 0) {
            throw new IllegalStateException("negative"); // LINE:throwing
        }
    }

    static void virtualCall(FloatArray a) {
        a.set(0, (float) a.toString().length()); // LINE:virtualCall
    }

    static void synchronizedBlock(FloatArray a) {
        synchronized (LOCK) { // LINE:synchronizedBlock
            a.set(0, 1f);
        }
    }

    static int recurse(int n) {
        return n <= 0 ? 0 : recurse(n - 1) + 1; // LINE:recursion
    }

    static void recursion(FloatArray a) {
        a.set(0, recurse(3));
    }

    static void staticField(FloatArray a) {
        a.set(0, counter); // LINE:staticField
    }

    static void lambda(FloatArray a) {
        Runnable r = () -> a.set(0, 1f); // LINE:lambda
    }

    static void newArray(FloatArray a) {
        float[] tmp = new float[a.getSize()]; // LINE:newArray
        a.set(0, tmp[0]);
    }

    static void stride(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i -= 2) { // LINE:stride
            a.set(i, 1f);
        }
    }

    static void tryCatch(FloatArray a) {
        try { // LINE:tryCatch
            a.set(0, 1f);
        } catch (RuntimeException e) {
            a.set(0, 2f);
        }
    }

    static void contextField(KernelContext ctx, FloatArray a) {
        ctx.localGroupSizeX = 3; // LINE:contextField
    }

    static void localSize(KernelContext ctx, FloatArray a, int n) {
        float[] l = ctx.allocateFloatLocalArray(n); // LINE:localSize
        a.set(0, l[0]);
    }

    static void siblings(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, 1f);
        }
        for (@Parallel int j = 0; j < a.getSize(); j++) {
            a.set(j, 2f);
        }
    }

    static int returnsValue(FloatArray a) {
        return 1;
    }

    static void stringParam(String s, FloatArray a) {
        a.set(0, 1f);
    }

    static void libraryCall(FloatArray a) {
        a.set(0, Math.round(a.get(0))); // LINE:libraryCall
    }

    static void javaLibrary(float[] a) {
        java.util.Arrays.fill(a, 1f); // LINE:javaLibrary
    }

    static void nullCheck(float[] a, float[] b) {
        if (a == b) { // LINE:nullCheck
            a[0] = 1f;
        }
    }

    static void multiDim(float[] a) {
        float[][] m = new float[2][2]; // LINE:multiDim
        a[0] = m[0][0];
    }

    String label = "a receiver's field of a type kernels do not take";

    void instance(FloatArray a) {
        a.set(0, label.length()); // LINE:instance
    }

    static void stringConcat(FloatArray a, int n) {
        String s = "n=" + n; // LINE:stringConcat
        a.set(0, s.length());
    }

    static void reduceRead(FloatArray in, @io.squall.api.annotations.Reduce FloatArray result, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
        out.set(0, result.get(0)); // LINE:reduceRead
    }

    static void reduceSubtract(FloatArray in, @io.squall.api.annotations.Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) - in.get(i)); // LINE:reduceSubtract
        }
    }

    static void reduceOverwrite(FloatArray in, @io.squall.api.annotations.Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, in.get(i) + 1f); // LINE:reduceOverwrite
        }
    }

    static void assertion(FloatArray a) {
        assert a.get(0) > 0 : "positive"; // LINE:assertion
        a.set(0, 1f);
    }

    /** Which private array `b` refers to depends on the path: rejected, not resolved to one of them. */
    static void arraysSwappedInLoop(IntArray a, IntArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int[] x = new int[4];
            int[] y = new int[4];
            for (int k = 0; k < 3; k++) { // the loop's start sees x on entry, y after an iteration
                int[] t = x;
                x = y;
                y = t;
            }
            out.set(i, x[0]);
        }
    }

    static void counterInLoop(IntArray out) {
        for (int i = 0; i < out.getSize(); i++) {
            var c = new java.util.concurrent.atomic.AtomicInteger(i); // LINE:counterInLoop
            out.set(i, c.incrementAndGet());
        }
    }

    static void vectorDynamicLane(FloatArray x, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            Float4 v = Float4.loadFromArray(x, 0);
            out.set(i, v.get(i & 3)); // LINE:vectorDynamicLane
        }
    }

    static void vectorMixed(FloatArray x, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            Float4 v = Float4.loadFromArray(x, 0);
            out.set(i, Float4.dot(v, new Float4(1, 2, 3, 4))); // LINE:vectorMixed
        }
    }

    static void vectorMutated(FloatArray x, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            Float4 v = Float4.loadFromArray(x, 0);
            v.set(0, 1f); // LINE:vectorMutated
            out.set(i, Float4.sum(v));
        }
    }
}
