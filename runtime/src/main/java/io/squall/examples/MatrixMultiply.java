package io.squall.examples;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.types.arrays.FloatArray;

/** C = A x B for n x n F32 matrices, a 2D @Parallel loop nest. {@code tornado io.squall.examples.MatrixMultiply [n]} (default 512). */
public final class MatrixMultiply {
    private MatrixMultiply() {}

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

    public static void main(String[] args) throws TornadoExecutionPlanException {
        int n = Example.size(args, 512, "the matrix size");
        FloatArray a = new FloatArray(n * n);
        FloatArray b = new FloatArray(n * n);
        FloatArray c = new FloatArray(n * n);
        fill(a, 1);
        fill(b, 2);
        ImmutableTaskGraph graph = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", MatrixMultiply::matmul, a, b, c, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            Example.runAndReport("MatrixMultiply " + n + "x" + n, plan);
        }
        Example.verdict("MatrixMultiply", mismatches(a, b, c, n), "relative tolerance 1e-4");
    }

    /** Small integers in [-4, 4], so the products and sums are exact in F32 for moderate n. */
    static void fill(FloatArray m, int seed) {
        for (int i = 0; i < m.getSize(); i++) {
            m.set(i, ((i * 31 + seed * 17) % 9) - 4);
        }
    }

    /** Compares c with a plain Java product (double accumulation). */
    static int mismatches(FloatArray a, FloatArray b, FloatArray c, int n) {
        int errors = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += (double) a.get(i * n + k) * b.get(k * n + j);
                }
                if (Math.abs(c.get(i * n + j) - sum) > 1e-4 * Math.max(1, Math.abs(sum))) {
                    errors++;
                }
            }
        }
        return errors;
    }
}
