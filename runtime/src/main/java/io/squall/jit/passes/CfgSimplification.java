package io.squall.jit.passes;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.Terminator;

import java.util.List;
import java.util.Map;

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

    /** b: ...; jump s  where s has b as its only predecessor: append s to b. */
    private static boolean mergeStraightLines(Function f) {
        Map<Block, List<Block>> preds = f.predecessors();
        for (Block b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Jump j
                    && j.target() != b
                    && j.target() != f.entry()
                    && preds.get(j.target()).size() == 1) {
                Block s = j.target();
                for (Phi p : s.phis()) { // single predecessor: each phi is its one input
                    f.replaceUses(Map.of(p.result(), p.valueFrom(b)));
                }
                b.instructions().addAll(s.instructions());
                b.setTerminator(s.terminator());
                for (Block succ : s.terminator().successors()) {
                    for (Phi p : succ.phis()) {
                        p.incoming().replaceAll(in -> in.from() == s ? new Phi.Incoming(b, in.value()) : in);
                    }
                }
                f.blocks().remove(s);
                return true;
            }
        }
        return false;
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
