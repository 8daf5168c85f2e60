package io.squall.api;

/** A 3-dimensional launch grid. */
public final class WorkerGrid3D extends AbstractWorkerGrid implements WorkerGrid {
    public WorkerGrid3D(long x, long y, long z) {
        super(x, y, z);
    }
}
