package io.squall.jit;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;
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
        float[] tmp = new float[4]; // LINE:newArray
        a.set(0, tmp[0]);
    }

    static void stride(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i += 2) { // LINE:stride
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

    static void returnInParallel(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            if (a.get(i) < 0) {
                return; // LINE:returnInParallel
            }
            a.set(i, 1f);
        }
    }

    static void localSize(KernelContext ctx, FloatArray a, int n) {
        float[] l = ctx.allocateFloatLocalArray(n); // LINE:localSize
        a.set(0, l[0]);
    }
}
