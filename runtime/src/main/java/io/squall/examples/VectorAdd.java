package io.squall.examples;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.types.arrays.FloatArray;

/** c = a + b over FloatArrays. {@code tornado io.squall.examples.VectorAdd [n]} (default 4M elements). */
public final class VectorAdd {
    private VectorAdd() {}

    public static void add(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    public static void main(String[] args) throws TornadoExecutionPlanException {
        int n = Example.size(args, 1 << 22, "the vector length");
        FloatArray a = new FloatArray(n);
        FloatArray b = new FloatArray(n);
        FloatArray c = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, i * 0.5f);
            b.set(i, (n - i) * 0.25f);
        }
        ImmutableTaskGraph graph = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", VectorAdd::add, a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            Example.runAndReport("VectorAdd n=" + n, plan);
        }
        int errors = 0;
        for (int i = 0; i < n; i++) {
            if (c.get(i) != a.get(i) + b.get(i)) {
                errors++;
            }
        }
        Example.verdict("VectorAdd", errors, "exact");
    }
}
