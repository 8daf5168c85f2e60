package io.squall.jit.passes;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Folding;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Select;
import io.squall.jit.ir.Instruction.Unary;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Value;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Replaces instructions whose operands are constants by their value (Java semantics), simplifies integer identities,
 * turns branches on constants into jumps and removes phis that merge a single value.
 */
public final class ConstantFolding {
    private ConstantFolding() {}

    public static boolean run(Function f) {
        boolean changedAny = false;
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Temp, Value> replace = new HashMap<>();
            for (Block b : f.blocks()) {
                for (Iterator<Phi> it = b.phis().iterator(); it.hasNext(); ) {
                    Phi p = it.next();
                    Value single = singleValue(p);
                    if (single != null) {
                        replace.put(p.result(), single);
                        it.remove();
                    }
                }
                for (Iterator<Instruction> it = b.instructions().iterator(); it.hasNext(); ) {
                    Instruction i = it.next();
                    Value v = fold(i);
                    if (v != null) {
                        replace.put(i.result(), v);
                        it.remove();
                    }
                }
            }
            f.replaceUses(replace);
            changed |= !replace.isEmpty();
            changed |= foldBranches(f);
            changedAny |= changed;
        }
        return changedAny;
    }

    /** The value a phi always has (ignoring self-references), or null. */
    static Value singleValue(Phi p) {
        Value single = null;
        for (Phi.Incoming in : p.incoming()) {
            Value v = in.value();
            if (v.equals(p.result()) || v.equals(single)) {
                continue;
            }
            if (single != null) {
                return null;
            }
            single = v;
        }
        return single;
    }

    static Value fold(Instruction i) {
        return switch (i) {
            case Binary b -> foldBinary(b);
            case Unary u -> u.operand() instanceof Constant c ? Folding.unary(u.op(), c) : null;
            case Compare c ->
                c.left() instanceof Constant l && c.right() instanceof Constant r
                        ? Folding.compare(c.predicate(), c.unordered(), l, r)
                        : null;
            case Convert c ->
                c.value() instanceof Constant k
                        ? Folding.convert(c.kind(), k, (ScalarType) c.result().type())
                        : null;
            case Select s ->
                s.condition() instanceof Constant k
                        ? (k.bits() != 0 ? s.ifTrue() : s.ifFalse())
                        : s.ifTrue().equals(s.ifFalse()) ? s.ifTrue() : null;
            default -> null;
        };
    }

    private static Value foldBinary(Binary b) {
        if (b.left() instanceof Constant l && b.right() instanceof Constant r) {
            return Folding.binary(b.op(), l, r);
        }
        if (!(b.result().type() instanceof ScalarType t) || t.isFloat()) {
            return null; // x + 0.0 is not x for x = -0.0; keep IEEE semantics exact
        }
        boolean rightZero = b.right() instanceof Constant r && r.bits() == 0;
        boolean rightOne = b.right() instanceof Constant r && r.bits() == 1;
        boolean leftZero = b.left() instanceof Constant l && l.bits() == 0;
        boolean leftOne = b.left() instanceof Constant l && l.bits() == 1;
        return switch (b.op()) {
            case ADD -> rightZero ? b.left() : leftZero ? b.right() : null;
            case SUB, SHL, SHR, USHR, OR, XOR -> rightZero ? b.left() : null;
            case MUL ->
                rightOne
                        ? b.left()
                        : leftOne
                                ? b.right()
                                : rightZero || leftZero
                                        ? Constant.zero((ScalarType) b.result().type())
                                        : null;
            case DIV -> rightOne ? b.left() : null;
            default -> null;
        };
    }

    private static boolean foldBranches(Function f) {
        boolean changed = false;
        for (Block b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Branch br) {
                Block kept = null;
                Block dropped = null;
                if (br.condition() instanceof Constant c) {
                    kept = c.bits() != 0 ? br.ifTrue() : br.ifFalse();
                    dropped = c.bits() != 0 ? br.ifFalse() : br.ifTrue();
                } else if (br.ifTrue() == br.ifFalse()) {
                    kept = br.ifTrue();
                }
                if (kept != null) {
                    b.setTerminator(new Terminator.Jump(kept));
                    if (dropped != null && dropped != kept) {
                        for (Phi p : dropped.phis()) {
                            p.incoming().removeIf(in -> in.from() == b);
                        }
                    }
                    changed = true;
                }
            }
        }
        return changed;
    }
}
