package io.squall.jit.frontend;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Value;

/** A {@code @Parallel} loop of the kernel method: its index slot, bytecode range and the dimension it maps to. */
final class ParallelLoop {
    final int slot;
    final int startBci;
    final int endBci;
    final int dimension;
    boolean started;
    Block header;
    Value headerValue;
    Value startValue;
    Value endValue;
    boolean inclusive;
    boolean conditionSeen;
    /** The constant of the loop's `i += step` (1 for `i++`). */
    int step = 1;

    ParallelLoop(int slot, int startBci, int endBci, int dimension) {
        this.slot = slot;
        this.startBci = startBci;
        this.endBci = endBci;
        this.dimension = dimension;
    }

    boolean contains(int bci) {
        return bci >= startBci && bci < endBci;
    }
}
