package io.squall.safety;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;

/**
 * Kernels that misuse memory, division and barriers. Tests find the source line of each marked statement by its
 * {@code // site:} comment, so the lines may move.
 */
public final class SafetyKernels {
    private SafetyKernels() {}

    public static void divide(IntArray a, IntArray b, IntArray quotient, IntArray remainder) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            quotient.set(i, a.get(i) / b.get(i)); // site:divide
            remainder.set(i, a.get(i) % b.get(i));
        }
    }

    public static void divideLong(LongArray a, LongArray b, LongArray quotient, LongArray remainder) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            quotient.set(i, a.get(i) / b.get(i));
            remainder.set(i, a.get(i) % b.get(i));
        }
    }

    /** Writes out[i + offset] for every i: offset 1 writes one past the end. */
    public static void writeAt(FloatArray out, int offset) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i + offset, 2f); // site:writeAt
        }
    }

    /** out[i] = in[i + offset]. */
    public static void readAt(FloatArray in, FloatArray out, int offset) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, in.get(i + offset)); // site:readAt
        }
    }

    /** A KernelContext kernel indexing with its global id, for launch-size checks. */
    public static void identity(KernelContext context, IntArray out) {
        int i = context.globalIdx;
        if (i < out.getSize()) {
            out.set(i, i);
        }
    }

    /** Only the first half of each work-group reaches the barrier. */
    public static void barrierInDivergentBranch(KernelContext context, FloatArray data) {
        int lid = context.localIdx;
        if (lid < context.localGroupSizeX / 2) {
            data.set(context.globalIdx, 1f);
            context.localBarrier(); // site:divergentBarrier
        }
    }

    /** A barrier every work-item reaches, after a divergent branch and inside a uniform loop. */
    public static void barrierAfterDivergentBranch(KernelContext context, FloatArray data) {
        int lid = context.localIdx;
        for (int step = 0; step < 2; step++) {
            if (lid % 2 == 0) {
                data.set(context.globalIdx, data.get(context.globalIdx) + 1f);
            }
            context.localBarrier();
        }
    }

    /** Work-items loop a different number of times around a barrier. */
    public static void barrierInDivergentLoop(KernelContext context, FloatArray data) {
        for (int i = context.localIdx; i < 8; i++) {
            context.localBarrier(); // site:divergentLoop
            data.set(context.globalIdx, i);
        }
    }

    /** A KernelContext kernel without a bounds guard: the work-items past the end fail (on the JVM backend, with this line). */
    public static void unguarded(KernelContext context, IntArray out) {
        out.set(context.globalIdx, 1); // site:unguarded
    }

    /** As above after a barrier, so the JVM backend runs the work-items as threads. */
    public static void unguardedAfterBarrier(KernelContext context, IntArray out) {
        context.localBarrier();
        out.set(context.globalIdx, 1); // site:unguardedAfterBarrier
    }
}
