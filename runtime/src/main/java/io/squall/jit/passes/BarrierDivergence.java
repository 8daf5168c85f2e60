package io.squall.jit.passes;

import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Barrier;
import io.squall.jit.ir.Instruction.SubGroupOp;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.WorkItem;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.SourceLocation;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Value;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rejects a barrier that only some work-items of a group may reach: one in a block control-dependent on a branch whose
 * condition varies across the work-items of a group. OpenCL, PTX and SPIR-V leave such a barrier undefined (it hangs
 * or crashes the device, and on a CPU device the JVM with it).
 *
 * <p>Varying values: the global and local ids, sub-group lanes and operations, atomics' old values, then everything
 * computed from them, and the phis at merges of a varying branch (their value depends on the path a work-item took).
 * Group ids and sizes are uniform within a group, so branches on them are fine, as are the usual
 * {@code if (lid < stride) ...; barrier()} reductions, where the barrier post-dominates the branch.
 */
public final class BarrierDivergence {
    private final Function f;
    private final Map<Block, Block> ipdom;
    private final Set<Temp> varying = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Block> divergent = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Block> varyingMerges = Collections.newSetFromMap(new IdentityHashMap<>());

    private BarrierDivergence(Function f) {
        this.f = f;
        this.ipdom = immediatePostDominators(f);
    }

    /** Throws a KernelCompilationException naming the kernel and the barrier's source line. */
    public static void check(Kernel kernel) {
        Function f = kernel.ir();
        if (f.blocks().stream().noneMatch(b -> b.instructions().stream().anyMatch(i -> i instanceof Barrier))) {
            return;
        }
        BarrierDivergence analysis = new BarrierDivergence(f);
        analysis.solve();
        for (Block b : f.blocks()) {
            if (!analysis.divergent.contains(b)) {
                continue;
            }
            for (Instruction i : b.instructions()) {
                if (i instanceof Barrier) {
                    SourceLocation at = f.location(i);
                    throw new KernelCompilationException(
                            kernel.javaName(),
                            "a barrier under a branch that depends on the work-item id",
                            at == null ? null : at.file(),
                            at == null ? -1 : at.line(),
                            "(some work-items of a group would skip it, which hangs or crashes the device: move the barrier out of the "
                                    + "branch, or make the condition the same for the whole work-group)");
                }
            }
        }
    }

    private void solve() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Block b : f.blocks()) {
                for (Phi p : b.phis()) {
                    if (!varying.contains(p.result())
                            && (varyingMerges.contains(b)
                                    || p.incoming().stream().anyMatch(in -> isVarying(in.value())))) {
                        changed |= varying.add(p.result());
                    }
                }
                for (Instruction i : b.instructions()) {
                    if (i.result() != null
                            && !varying.contains(i.result())
                            && (source(i) || i.operands().stream().anyMatch(this::isVarying))) {
                        changed |= varying.add(i.result());
                    }
                }
                if (b.terminator() instanceof Terminator.Branch br && isVarying(br.condition()) && markDependents(b)) {
                    changed = true;
                }
            }
        }
    }

    private boolean isVarying(Value v) {
        return v instanceof Temp t && varying.contains(t);
    }

    private static boolean source(Instruction i) {
        return switch (i) {
            case WorkItem w -> w.query() == WorkItemQuery.GLOBAL_ID || w.query() == WorkItemQuery.LOCAL_ID;
            case SubGroupOp s -> s.operation() != SubGroupOperation.SIZE;
            case AtomicRMW a -> true;
            default -> false;
        };
    }

    /**
     * Marks the blocks control-dependent on {@code branch} (from each successor up the post-dominator tree to the branch's
     * own immediate post-dominator, exclusive), and that post-dominator as a merge of varying paths.
     */
    private boolean markDependents(Block branch) {
        boolean changed = false;
        Block stop = ipdom.get(branch);
        for (Block s : branch.terminator().successors()) {
            for (Block runner = s; runner != null && runner != stop; runner = ipdom.get(runner)) {
                changed |= divergent.add(runner);
                changed |= varyingMerges.add(runner); // merges inside the region carry path-dependent phis too
            }
        }
        if (stop != null) {
            changed |= varyingMerges.add(stop);
        }
        return changed;
    }

    /** Immediate post-dominator of each block (null for blocks that reach no return, and for a return block itself). */
    private static Map<Block, Block> immediatePostDominators(Function f) {
        List<Block> blocks = f.blocks();
        int n = blocks.size();
        Map<Block, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(blocks.get(i), i);
        }
        // Post-dominator sets as bit sets over a virtual exit (bit n) that every return block jumps to.
        java.util.BitSet[] pdom = new java.util.BitSet[n];
        java.util.BitSet all = new java.util.BitSet();
        all.set(0, n + 1);
        for (int i = 0; i < n; i++) {
            pdom[i] = (java.util.BitSet) all.clone();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                List<Block> succ = blocks.get(i).terminator().successors();
                java.util.BitSet next = new java.util.BitSet();
                if (succ.isEmpty()) {
                    next.set(n);
                } else {
                    next = (java.util.BitSet) all.clone();
                    for (Block s : succ) {
                        next.and(pdom[index.get(s)]);
                    }
                }
                next.set(i);
                if (!next.equals(pdom[i])) {
                    pdom[i] = next;
                    changed = true;
                }
            }
        }
        Map<Block, Block> result = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            if (!pdom[i].get(n)) {
                continue; // never returns: no post-dominators
            }
            // The immediate one is the strict post-dominator that all the others post-dominate (the largest set).
            Block best = null;
            int bestSize = -1;
            for (int j = pdom[i].nextSetBit(0); j >= 0 && j < n; j = pdom[i].nextSetBit(j + 1)) {
                if (j != i && pdom[j].cardinality() > bestSize) {
                    best = blocks.get(j);
                    bestSize = pdom[j].cardinality();
                }
            }
            result.put(blocks.get(i), best);
        }
        return result;
    }
}
