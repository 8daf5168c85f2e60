package io.squall.examples;

import io.squall.api.GridScheduler;
import io.squall.api.ImmutableTaskGraph;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid2D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.types.arrays.FloatArray;

/**
 * C = A x B with 16x16 tiles staged in local memory, in the KernelContext (OpenCL/CUDA) style.
 * {@code tornado io.squall.examples.TiledMatMul [n]} (default 512; a multiple of 16).
 */
public final class TiledMatMul {
    public static final int TILE = 16;

    private TiledMatMul() {}

    public static void matmul(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, int n) {
        float[] tileA = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] tileB = ctx.allocateFloatLocalArray(TILE * TILE);
        int row = ctx.globalIdy;
        int col = ctx.globalIdx;
        int ly = ctx.localIdy;
        int lx = ctx.localIdx;
        float sum = 0f;
        for (int t = 0; t < n / TILE; t++) {
            tileA[ly * TILE + lx] = a.get(row * n + t * TILE + lx);
            tileB[ly * TILE + lx] = b.get((t * TILE + ly) * n + col);
            ctx.localBarrier();
            for (int k = 0; k < TILE; k++) {
                sum += tileA[ly * TILE + k] * tileB[k * TILE + lx];
            }
            ctx.localBarrier();
        }
        c.set(row * n + col, sum);
    }

    public static void main(String[] args) throws TornadoExecutionPlanException {
        int n = Example.size(args, 512, "the matrix size");
        if (n % TILE != 0) {
            System.err.println("the matrix size must be a multiple of " + TILE + ", got " + n);
            System.exit(2);
        }
        FloatArray a = new FloatArray(n * n);
        FloatArray b = new FloatArray(n * n);
        FloatArray c = new FloatArray(n * n);
        MatrixMultiply.fill(a, 1);
        MatrixMultiply.fill(b, 2);
        WorkerGrid2D grid = new WorkerGrid2D(n, n);
        grid.setLocalWork(TILE, TILE);
        GridScheduler scheduler = new GridScheduler("s0.t0", grid);
        ImmutableTaskGraph graph = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", TiledMatMul::matmul, new KernelContext(), a, b, c, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            plan.withGridScheduler(scheduler);
            Example.runAndReport("TiledMatMul " + n + "x" + n + " (tiles " + TILE + "x" + TILE + ")", plan);
        }
        Example.verdict("TiledMatMul", MatrixMultiply.mismatches(a, b, c, n), "relative tolerance 1e-4");
    }
}
