package io.squall.jit.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A kernel in SSA form: parameters and an unstructured CFG whose first block is the entry. */
public final class Function {
    private final String name;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    /** Source of the instructions the frontend built, by identity: a pass that rebuilds an instruction drops its entry. */
    private final Map<Instruction, SourceLocation> locations = new IdentityHashMap<>();

    private int nextTemp;
    private int nextBlock;

    public Function(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public Block entry() {
        return blocks.getFirst();
    }

    public Temp newTemp(Type type) {
        return new Temp(nextTemp++, type);
    }

    public Temp addParameter(Type type, String paramName) {
        Temp t = newTemp(type);
        parameters.add(new Parameter(t, paramName));
        return t;
    }

    public Block newBlock() {
        Block b = new Block(nextBlock++);
        blocks.add(b);
        return b;
    }

    /** A new block placed right after {@code after} in block order (so a block still follows its dominators). */
    public Block newBlockAfter(Block after) {
        Block b = newBlock();
        blocks.remove(blocks.size() - 1);
        blocks.add(blocks.indexOf(after) + 1, b);
        return b;
    }

    /**
     * A copy to rewrite while this function stays as it is (a kernel's IR is shared by the backends that emit it): new
     * blocks and phis; the instructions, temps and parameters, which are immutable, are shared.
     */
    public Function copy() {
        Function c = new Function(name);
        c.parameters.addAll(parameters);
        c.locations.putAll(locations);
        c.nextTemp = nextTemp;
        c.nextBlock = nextBlock;
        Map<Block, Block> copies = new IdentityHashMap<>();
        for (Block b : blocks) {
            Block n = new Block(b.id());
            copies.put(b, n);
            c.blocks.add(n);
        }
        for (Block b : blocks) {
            Block n = copies.get(b);
            for (Phi p : b.phis()) {
                Phi q = new Phi(p.result());
                p.incoming().forEach(in -> q.addIncoming(copies.get(in.from()), in.value()));
                n.phis().add(q);
            }
            n.instructions().addAll(b.instructions());
            n.setTerminator(
                    switch (b.terminator()) {
                        case Terminator.Jump j -> new Terminator.Jump(copies.get(j.target()));
                        case Terminator.Branch br ->
                            new Terminator.Branch(br.condition(), copies.get(br.ifTrue()), copies.get(br.ifFalse()));
                        case Terminator.Return r -> r;
                    });
        }
        return c;
    }

    /** Records where {@code instruction} came from in the Java source. */
    public void locate(Instruction instruction, SourceLocation location) {
        locations.put(instruction, location);
    }

    /** Where {@code instruction} came from, or null when unknown. */
    public SourceLocation location(Instruction instruction) {
        return locations.get(instruction);
    }

    /** Predecessors of every block, in block order (an edge counted once per distinct successor). */
    public Map<Block, List<Block>> predecessors() {
        Map<Block, List<Block>> preds = new IdentityHashMap<>();
        for (Block b : blocks) {
            preds.computeIfAbsent(b, k -> new ArrayList<>());
        }
        for (Block b : blocks) {
            for (Block s : b.terminator().successors().stream().distinct().toList()) {
                preds.computeIfAbsent(s, k -> new ArrayList<>()).add(b);
            }
        }
        return preds;
    }

    /** The instruction or phi defining each temp (parameters absent). */
    public Map<Temp, Object> definitions() {
        Map<Temp, Object> defs = new LinkedHashMap<>();
        for (Block b : blocks) {
            for (Phi p : b.phis()) {
                defs.put(p.result(), p);
            }
            for (Instruction i : b.instructions()) {
                if (i.result() != null) {
                    defs.put(i.result(), i);
                }
            }
        }
        return defs;
    }

    /** Rewrites every operand in the function (instructions, phis, terminators). */
    public void mapOperands(UnaryOperator<Value> f) {
        for (Block b : blocks) {
            for (Phi p : b.phis()) {
                p.mapOperands(f);
            }
            b.instructions().replaceAll(i -> i.mapOperands(f));
            b.setTerminator(b.terminator().mapOperands(f));
        }
    }

    /** Replaces every use of the keys by their values (following chains). */
    public void replaceUses(Map<Temp, Value> replacements) {
        if (replacements.isEmpty()) {
            return;
        }
        mapOperands(v -> {
            Value r = v;
            while (r instanceof Temp t && replacements.containsKey(t)) {
                r = replacements.get(t);
            }
            return r;
        });
    }

    @Override
    public String toString() {
        return IrPrinter.print(this);
    }
}
