package io.squall.api;

/** The ND-range of one task launch: global work size and (optionally) the work-group size per dimension. */
public sealed interface WorkerGrid permits WorkerGrid1D, WorkerGrid2D, WorkerGrid3D {
    int dimensions();

    long[] getGlobalWork();

    /** Work-group size per dimension, or null to let the driver choose. */
    long[] getLocalWork();

    void setGlobalWork(long... global);

    void setLocalWork(long... local);

    /** Resets the work-group size so the driver chooses it. */
    void setLocalWorkToNull();
}
