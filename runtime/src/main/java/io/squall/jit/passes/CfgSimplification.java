package io.squall.jit.passes;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Value;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Removes empty blocks that only jump on, and merges a block into its single predecessor when that one only jumps to it. */
public final class CfgSimplification {
    private CfgSimplification() {}

    public static boolean run(Function f) {
        boolean changed = false;
        boolean again = true;
        while (again) {
            again = mergeStraightLines(f) || skipEmptyBlocks(f);
            changed |= again;
        }
        return changed;
    }

    /**
     * b: ...; jump s  where s has b as its only predecessor: append s to b. Every such pair in one walk, chains included,
     * with the predecessor lists kept up to date and the phis' uses replaced once at the end: merging one pair per walk,
     * each recomputing the predecessors and rewriting the whole function, was quadratic in the blocks (half of the JIT's
     * time on the prompt's matrix kernel, 0.4 s of a cold start).
     */
    private static boolean mergeStraightLines(Function f) {
        Map<Block, List<Block>> preds = f.predecessors();
        Map<Temp, Value> phiValues = new HashMap<>();
        Set<Block> merged = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Block b : List.copyOf(f.blocks())) {
            if (merged.contains(b)) {
                continue;
            }
            while (b.terminator() instanceof Terminator.Jump j
                    && j.target() != b
                    && j.target() != f.entry()
                    && preds.get(j.target()).size() == 1) {
                Block s = j.target();
                for (Phi p : s.phis()) { // single predecessor: each phi is its one input
                    phiValues.put(p.result(), p.valueFrom(b));
                }
                b.instructions().addAll(s.instructions());
                b.setTerminator(s.terminator());
                for (Block succ :
                        s.terminator().successors().stream().distinct().toList()) {
                    for (Phi p : succ.phis()) {
                        p.incoming().replaceAll(in -> in.from() == s ? new Phi.Incoming(b, in.value()) : in);
                    }
                    preds.get(succ).replaceAll(p -> p == s ? b : p);
                }
                preds.remove(s);
                merged.add(s);
            }
        }
        f.blocks().removeIf(merged::contains);
        f.replaceUses(phiValues);
        return !merged.isEmpty();
    }

    /** An empty block e (no phis, no instructions) ending in jump s: predecessors branch to s directly when s has no phis. */
    private static boolean skipEmptyBlocks(Function f) {
        for (Block e : f.blocks()) {
            if (e == f.entry()
                    || !e.phis().isEmpty()
                    || !e.instructions().isEmpty()
                    || !(e.terminator() instanceof Terminator.Jump j)
                    || j.target() == e
                    || !j.target().phis().isEmpty()) {
                continue;
            }
            Block s = j.target();
            for (Block p : f.blocks()) {
                p.setTerminator(
                        switch (p.terminator()) {
                            case Terminator.Jump pj when pj.target() == e -> new Terminator.Jump(s);
                            case Terminator.Branch br
                            when br.ifTrue() == e || br.ifFalse() == e ->
                                new Terminator.Branch(
                                        br.condition(),
                                        br.ifTrue() == e ? s : br.ifTrue(),
                                        br.ifFalse() == e ? s : br.ifFalse());
                            default -> p.terminator();
                        });
            }
            f.blocks().remove(e);
            return true;
        }
        return false;
    }
}
