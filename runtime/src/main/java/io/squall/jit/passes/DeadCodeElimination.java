package io.squall.jit.passes;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;

/** Removes unreachable blocks, then instructions and phis whose results are never used and that have no effect. */
public final class DeadCodeElimination {
    private DeadCodeElimination() {}

    public static boolean run(Function f) {
        boolean changed = removeUnreachable(f);
        while (true) {
            Set<Temp> used = usedTemps(f);
            boolean removed = false;
            for (Block b : f.blocks()) {
                removed |= b.phis().removeIf(p -> !used.contains(p.result()));
                removed |=
                        b.instructions().removeIf(i -> i.isPure() && i.result() != null && !used.contains(i.result()));
            }
            if (!removed) {
                return changed;
            }
            changed = true;
        }
    }

    private static boolean removeUnreachable(Function f) {
        Set<Block> reached = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Block> work = new ArrayDeque<>();
        work.add(f.entry());
        while (!work.isEmpty()) {
            Block b = work.pop();
            if (reached.add(b)) {
                work.addAll(b.terminator().successors());
            }
        }
        boolean changed = f.blocks().removeIf(b -> !reached.contains(b));
        if (changed) {
            for (Block b : f.blocks()) {
                for (Phi p : b.phis()) {
                    p.incoming().removeIf(in -> !reached.contains(in.from()));
                }
            }
        }
        return changed;
    }

    private static Set<Temp> usedTemps(Function f) {
        Set<Temp> used = new HashSet<>();
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                for (Phi.Incoming in : p.incoming()) {
                    if (in.value() instanceof Temp t && !t.equals(p.result())) {
                        used.add(t);
                    }
                }
            }
            for (Instruction i : b.instructions()) {
                for (Value v : i.operands()) {
                    if (v instanceof Temp t) {
                        used.add(t);
                    }
                }
            }
            b.terminator().mapOperands(v -> {
                if (v instanceof Temp t) {
                    used.add(t);
                }
                return v;
            });
        }
        return used;
    }
}
