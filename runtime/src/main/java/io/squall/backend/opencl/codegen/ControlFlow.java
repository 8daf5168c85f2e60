package io.squall.backend.opencl.codegen;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts the structured OpenCL C writer needs about a CFG: reverse postorder, dominators, natural loops and merge
 * blocks (after Ramsey, "Beyond Relooper", 2022). {@link #reducible()} is false when some retreating edge does not go
 * to a dominator, and then the CFG is written with goto.
 */
final class ControlFlow {
    private final Map<Block, Integer> order = new IdentityHashMap<>();
    private final List<Block> rpo = new ArrayList<>();
    private final Map<Block, Block> idom = new IdentityHashMap<>();
    private final Map<Block, List<Block>> children = new IdentityHashMap<>();
    private final Map<Block, Set<Block>> loops = new IdentityHashMap<>();
    private final Map<Block, Integer> forwardPreds = new IdentityHashMap<>();
    private boolean reducible = true;

    ControlFlow(Function f) {
        postorder(f.entry());
        Collections.reverse(rpo);
        for (int i = 0; i < rpo.size(); i++) {
            order.put(rpo.get(i), i);
        }
        Map<Block, List<Block>> preds = f.predecessors();
        dominators(preds);
        for (Block b : rpo) {
            children.put(b, new ArrayList<>());
        }
        for (Block b : rpo.subList(1, rpo.size())) {
            children.get(idom.get(b)).add(b);
        }
        for (Block b : rpo) {
            for (Block p : preds.get(b)) {
                if (!order.containsKey(p)) {
                    continue; // unreachable predecessor: never emitted
                }
                if (order.get(p) < order.get(b)) {
                    forwardPreds.merge(b, 1, Integer::sum);
                } else if (dominates(b, p)) {
                    loops.computeIfAbsent(b, h -> Collections.newSetFromMap(new IdentityHashMap<>()))
                            .add(b);
                    naturalLoop(b, p, preds);
                } else {
                    reducible = false;
                }
            }
        }
    }

    boolean reducible() {
        return reducible;
    }

    /** Reachable blocks in reverse postorder, the entry first. */
    List<Block> reversePostorder() {
        return rpo;
    }

    int rank(Block b) {
        return order.get(b);
    }

    boolean isLoopHeader(Block b) {
        return loops.containsKey(b);
    }

    /** The blocks of the natural loop headed by {@code header} (the header included). */
    Set<Block> loop(Block header) {
        return loops.get(header);
    }

    /** A block entered by two or more forward edges: written after the code that jumps to it. */
    boolean isMerge(Block b) {
        return forwardPreds.getOrDefault(b, 0) >= 2;
    }

    /** A retreating edge (to a loop header that dominates the source). */
    boolean isBackEdge(Block from, Block to) {
        return order.get(to) <= order.get(from);
    }

    /** Children of {@code b} in the dominator tree, in reverse postorder. */
    List<Block> dominated(Block b) {
        List<Block> c = new ArrayList<>(children.get(b));
        c.sort(Comparator.comparingInt(order::get));
        return c;
    }

    private void postorder(Block entry) {
        // Iterative DFS; successors visited in order so the true branch comes first in the RPO.
        Set<Block> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        seen.add(entry);
        stack.push(new Object[] {entry, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Block b = (Block) top[0];
            int next = (int) top[1];
            List<Block> succ = b.terminator().successors();
            if (next < succ.size()) {
                top[1] = next + 1;
                Block s = succ.get(next);
                if (seen.add(s)) {
                    stack.push(new Object[] {s, 0});
                }
            } else {
                stack.pop();
                rpo.add(b);
            }
        }
    }

    /** Cooper, Harvey and Kennedy's iterative algorithm over the reverse postorder. */
    private void dominators(Map<Block, List<Block>> preds) {
        Block entry = rpo.getFirst();
        idom.put(entry, entry);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Block b : rpo.subList(1, rpo.size())) {
                Block d = null;
                for (Block p : preds.get(b)) {
                    if (idom.containsKey(p)) {
                        d = d == null ? p : intersect(p, d);
                    }
                }
                if (idom.get(b) != d) {
                    idom.put(b, d);
                    changed = true;
                }
            }
        }
    }

    private Block intersect(Block a, Block b) {
        while (a != b) {
            while (order.get(a) > order.get(b)) {
                a = idom.get(a);
            }
            while (order.get(b) > order.get(a)) {
                b = idom.get(b);
            }
        }
        return a;
    }

    boolean dominates(Block a, Block b) {
        Block x = b;
        while (true) {
            if (x == a) {
                return true;
            }
            Block up = idom.get(x);
            if (up == x) {
                return false;
            }
            x = up;
        }
    }

    private void naturalLoop(Block header, Block latch, Map<Block, List<Block>> preds) {
        Set<Block> body = loops.get(header);
        Deque<Block> work = new ArrayDeque<>();
        if (body.add(latch)) {
            work.push(latch);
        }
        while (!work.isEmpty()) {
            for (Block p : preds.get(work.pop())) {
                if (order.containsKey(p) && body.add(p)) {
                    work.push(p);
                }
            }
        }
    }
}
