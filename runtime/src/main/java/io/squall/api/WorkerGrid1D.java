package io.squall.api;

/** A 1-dimensional launch grid. */
public final class WorkerGrid1D extends AbstractWorkerGrid implements WorkerGrid {
    public WorkerGrid1D(long x) {
        super(x);
    }
}
