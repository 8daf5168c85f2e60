package io.squall.backend.jvm.driver;

/**
 * Blocked split of a counted loop {@code for (i = init; i < bound (or <= bound); i += step)} over workers.
 * Called from the transformed kernels that {@link ParallelLoopTransformer} generates (hence public); not an API for users.
 */
public final class LoopSplit {
    private LoopSplit() {}

    /** Number of iterations of the loop. */
    static long tripCount(int init, int bound, int step, boolean inclusive) {
        long span = (long) bound - init;
        if (inclusive) {
            return span < 0 ? 0 : span / step + 1;
        }
        return span <= 0 ? 0 : (span + step - 1) / step;
    }

    /** First value of the loop variable for {@code worker}. */
    public static int begin(int init, int bound, int step, boolean inclusive, int worker, int workers) {
        long first = tripCount(init, bound, step, inclusive) * worker / workers;
        return clamp(init + first * step);
    }

    /**
     * {@link #begin} for loops whose start is a non-negative constant: the same value, but the clamp tells HotSpot's C2
     * that the loop variable is never negative, which lets it eliminate range checks and vectorize off-heap accesses
     * (measured: 2.5x faster saxpy over FloatArray than with an unknown start).
     */
    public static int beginNonNegative(int init, int bound, int step, boolean inclusive, int worker, int workers) {
        return Math.max(0, begin(init, bound, step, inclusive, worker, workers));
    }

    /** Exclusive end of {@code worker}'s values: the loop exits once the variable reaches it. */
    public static int end(int init, int bound, int step, boolean inclusive, int worker, int workers) {
        long last = tripCount(init, bound, step, inclusive) * (worker + 1) / workers;
        return clamp(init + last * step);
    }

    private static int clamp(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
