package io.squall.bench.runtime;

import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;

/** The benchmark's kernels (the same ones run on every device) and their plain-Java references. */
public final class Workloads {
    private Workloads() {}

    public static void saxpy(float alpha, FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    public static void matmul(FloatArray a, FloatArray b, FloatArray c, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float sum = 0f;
                for (int k = 0; k < n; k++) {
                    sum += a.get(i * n + k) * b.get(k * n + j);
                }
                c.set(i * n + j, sum);
            }
        }
    }

    /** Plain single-threaded Java on heap arrays: the baseline row. */
    static void saxpyJava(float alpha, float[] x, float[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = alpha * x[i] + y[i];
        }
    }

    /** Plain single-threaded Java, i-k-j order (the cache-friendly order a Java programmer would write). */
    static void matmulJava(float[] a, float[] b, float[] c, int n) {
        java.util.Arrays.fill(c, 0f);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                float aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
    }
}
