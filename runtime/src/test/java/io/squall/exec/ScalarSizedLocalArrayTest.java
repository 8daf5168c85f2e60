package io.squall.exec;

import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid1D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * TornadoVM folds scalar arguments that size local arrays; Squall compiles such a task with its scalars as constants
 * (one kernel per value), on every device that compiles kernels and on the JVM.
 */
class ScalarSizedLocalArrayTest {
    /** Per-group sums through a local array whose size is the `groupSize` argument. */
    public static void groupSums(KernelContext ctx, FloatArray in, FloatArray sums, int groupSize) {
        float[] tile = ctx.allocateFloatLocalArray(groupSize);
        tile[ctx.localIdx] = in.get(ctx.globalIdx);
        ctx.localBarrier();
        if (ctx.localIdx == 0) {
            float s = 0;
            for (int i = 0; i < groupSize; i++) {
                s += tile[i];
            }
            sums.set(ctx.groupIdx, s);
        }
    }

    /**
     * TornadoVM's shape (TestHalfFloats.matrixVectorGenericOptimized): an early return, then a helper that allocates the
     * local array from its parameter and reduces it in a tree.
     */
    public static void groupSumsThroughHelper(
            KernelContext ctx, FloatArray in, FloatArray sums, int groups, int groupSize) {
        if (ctx.groupIdx >= groups) {
            return;
        }
        float s = treeSum(ctx, groupSize, in);
        if (ctx.localIdx == 0) {
            sums.set(ctx.groupIdx, s);
        }
    }

    private static float treeSum(KernelContext ctx, int localSize, FloatArray in) {
        float[] partial = ctx.allocateFloatLocalArray(localSize);
        partial[ctx.localIdx] = in.get(ctx.globalIdx);
        ctx.localBarrier();
        for (int stride = localSize / 2; stride > 0; stride >>= 1) {
            if (ctx.localIdx < stride) {
                partial[ctx.localIdx] += partial[ctx.localIdx + stride];
            }
            ctx.localBarrier();
        }
        return partial[0];
    }

    @ParameterizedTest
    @MethodSource("devices")
    void localArraySizedInAHelperAfterAnEarlyReturn(String deviceId) throws Exception {
        int groupSize = 64, n = 512;
        FloatArray in = new FloatArray(n), sums = new FloatArray(n / groupSize);
        for (int i = 0; i < n; i++) {
            in.set(i, (i % 5) - 2);
        }
        WorkerGrid1D grid = new WorkerGrid1D(n);
        grid.setLocalWork(groupSize);
        TaskGraph g = new TaskGraph("helper")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task(
                        "t",
                        ScalarSizedLocalArrayTest::groupSumsThroughHelper,
                        new KernelContext(),
                        in,
                        sums,
                        n / groupSize - 1,
                        groupSize)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, sums);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(deviceId))) {
            plan.withGridScheduler(new GridScheduler("helper.t", grid)).execute();
        }
        for (int grp = 0; grp < n / groupSize; grp++) {
            float expected = 0;
            for (int i = grp * groupSize; i < (grp + 1) * groupSize && grp < n / groupSize - 1; i++) {
                expected += (i % 5) - 2;
            }
            assertEquals(expected, sums.get(grp), 0f, deviceId + " group " + grp);
        }
    }

    static Stream<String> devices() {
        List<String> ids = new ArrayList<>();
        for (ComputeDevice d : Devices.all()) {
            if (!d.id().startsWith("ptx:")) { // PTX runs need a GPU; its code generator is covered by the suite
                ids.add(d.id());
            }
        }
        return ids.stream();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void localArraySizedByAScalarArgument(String deviceId) throws Exception {
        for (int groupSize : new int[] {32, 64}) {
            int n = 256;
            FloatArray in = new FloatArray(n), sums = new FloatArray(n / groupSize);
            for (int i = 0; i < n; i++) {
                in.set(i, (i % 7) - 3);
            }
            WorkerGrid1D grid = new WorkerGrid1D(n);
            grid.setLocalWork(groupSize);
            KernelContext ctx = new KernelContext();
            TaskGraph g = new TaskGraph("sized")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                    .task("t", ScalarSizedLocalArrayTest::groupSums, ctx, in, sums, groupSize)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, sums);
            try (TornadoExecutionPlan plan =
                    new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(deviceId))) {
                plan.withGridScheduler(new GridScheduler("sized.t", grid)).execute();
            }
            for (int grp = 0; grp < n / groupSize; grp++) {
                float expected = 0;
                for (int i = grp * groupSize; i < (grp + 1) * groupSize; i++) {
                    expected += (i % 7) - 3;
                }
                assertEquals(expected, sums.get(grp), 0f, deviceId + " group " + grp + " of size " + groupSize);
            }
        }
    }
}
