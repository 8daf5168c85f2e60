package io.squall.examples;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.annotations.Reduce;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.types.arrays.FloatArray;

/** Sum of a FloatArray into a one-element array with @Reduce. {@code tornado io.squall.examples.Reduction [n]} (default 4M). */
public final class Reduction {
    private Reduction() {}

    /** result[0] += every input element; the host sets result[0] to the starting value. */
    public static void sum(FloatArray input, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < input.getSize(); i++) {
            result.set(0, result.get(0) + input.get(i));
        }
    }

    public static void main(String[] args) throws TornadoExecutionPlanException {
        int n = Example.size(args, 1 << 22, "the input length");
        FloatArray input = new FloatArray(n);
        FloatArray result = new FloatArray(1);
        double expected = 0;
        for (int i = 0; i < n; i++) {
            float v = ((i * 7919) % 1000) / 1000f;
            input.set(i, v);
            expected += v;
        }
        ImmutableTaskGraph graph = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, input)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, result)
                .task("t0", Reduction::sum, input, result)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, result)
                .snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            Example.runAndReport("Reduction n=" + n, plan, () -> result.set(0, 0f));
        }
        // Float sums in different orders differ in the last bits; 1e-4 relative is far below any real error.
        double error = Math.abs(result.get(0) - expected) / Math.max(1, Math.abs(expected));
        Example.verdict(
                "Reduction",
                error <= 1e-4 ? 0 : 1,
                String.format("sum %.1f, plain Java %.1f, relative difference %.1e", result.get(0), expected, error));
    }
}
