package io.squall.suite;

import io.squall.api.WorkerGrid;

import java.io.Serializable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One kernel of the shared suite: the task, fresh deterministic inputs, the launch grid (null for @Parallel and
 * single-thread kernels), a plain-Java reference computing the expected outputs in place, which arguments to compare,
 * and the float tolerance (relative, with the same value as an absolute floor; 0 = exact).
 */
public record SuiteCase(
        String name,
        Serializable task,
        Supplier<Object[]> inputs,
        WorkerGrid grid,
        Consumer<Object[]> reference,
        int[] outputArgs,
        double tolerance) {
    @Override
    public String toString() {
        return name;
    }
}
