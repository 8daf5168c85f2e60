package io.squall.examples;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.types.arrays.FloatArray;

/** y = alpha * x + y. {@code tornado io.squall.examples.Saxpy [n]} (default 16M elements). */
public final class Saxpy {
    private Saxpy() {}

    public static void saxpy(float alpha, FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    public static void main(String[] args) throws TornadoExecutionPlanException {
        int n = Example.size(args, 1 << 24, "the vector length");
        float alpha = 2.5f;
        FloatArray x = new FloatArray(n);
        FloatArray y = new FloatArray(n);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            x.set(i, (i % 1000) * 0.001f);
            y.set(i, 1f);
        }
        ImmutableTaskGraph graph = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, y)
                .task("t0", Saxpy::saxpy, alpha, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                .snapshot();
        // Every run updates y in place, so the reference applies saxpy RUNS times too.
        for (int i = 0; i < n; i++) {
            float v = 1f;
            for (int r = 0; r < Example.RUNS; r++) {
                v = alpha * x.get(i) + v;
            }
            expected[i] = v;
        }
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            Example.runAndReport("Saxpy n=" + n, plan);
        }
        int errors = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(y.get(i) - expected[i]) > 1e-5f * Math.max(1f, Math.abs(expected[i]))) {
                errors++;
            }
        }
        Example.verdict("Saxpy", errors, "relative tolerance 1e-5 (a device may fuse the multiply-add)");
    }
}
