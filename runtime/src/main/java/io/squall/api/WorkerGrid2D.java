package io.squall.api;

/** A 2-dimensional launch grid. */
public final class WorkerGrid2D extends AbstractWorkerGrid implements WorkerGrid {
    public WorkerGrid2D(long x, long y) {
        super(x, y);
    }
}
