package io.squall.api;

import java.util.Arrays;

/** Shared state of the WorkerGrid implementations; validates sizes when they are set. */
abstract class AbstractWorkerGrid {
    private final int dimensions;
    private long[] global;
    private long[] local;

    AbstractWorkerGrid(long... global) {
        this.dimensions = global.length;
        setGlobalWork(global);
    }

    public final int dimensions() {
        return dimensions;
    }

    public final long[] getGlobalWork() {
        return global.clone();
    }

    public final long[] getLocalWork() {
        return local == null ? null : local.clone();
    }

    public final void setGlobalWork(long... global) {
        this.global = checked("global", global);
    }

    public final void setLocalWork(long... local) {
        this.local = checked("local", local);
    }

    public final void setLocalWorkToNull() {
        this.local = null;
    }

    private long[] checked(String what, long[] sizes) {
        // TornadoVM programs often pass three sizes to a 1D or 2D grid (e.g. setLocalWork(16, 16, 1)): trailing 1s are
        // accepted.
        if (sizes.length > dimensions && trailingOnes(sizes, dimensions)) {
            sizes = java.util.Arrays.copyOf(sizes, dimensions);
        }
        if (sizes.length != dimensions) {
            throw new IllegalArgumentException(
                    what + " work size has " + sizes.length + " dimensions; this grid has " + dimensions);
        }
        for (long s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException(
                        what + " work size must be positive in every dimension: " + Arrays.toString(sizes));
            }
        }
        return sizes.clone();
    }

    private static boolean trailingOnes(long[] sizes, int from) {
        for (int i = from; i < sizes.length; i++) {
            if (sizes[i] != 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[global=" + Arrays.toString(global) + ", local="
                + (local == null ? "driver" : Arrays.toString(local)) + "]";
    }
}
