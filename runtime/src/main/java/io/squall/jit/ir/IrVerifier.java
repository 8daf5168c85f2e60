package io.squall.jit.ir;

import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.LoadBytes;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorLoadKind;
import io.squall.jit.ir.Instruction.VectorSum;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural checks of a function: every block terminated, one phi input per predecessor, every operand defined
 * exactly once, operand types consistent. Backends may rely on these; a failure is a compiler bug, not a user error.
 */
public final class IrVerifier {
    private IrVerifier() {}

    public static void verify(Function f) {
        Set<Temp> defined = new HashSet<>();
        for (Parameter p : f.parameters()) {
            define(f, defined, p.value());
        }
        for (Block b : f.blocks()) {
            if (!b.isTerminated()) {
                fail(f, b.label() + " has no terminator");
            }
            for (Phi p : b.phis()) {
                define(f, defined, p.result());
            }
            for (Instruction i : b.instructions()) {
                if (i.result() != null) {
                    define(f, defined, i.result());
                }
            }
        }
        Map<Block, List<Block>> preds = f.predecessors();
        for (Block b : f.blocks()) {
            for (Block s : b.terminator().successors()) {
                if (!f.blocks().contains(s)) {
                    fail(f, b.label() + " branches to " + s.label() + ", which is not in the function");
                }
            }
            for (Phi p : b.phis()) {
                if (p.incoming().size() != preds.get(b).size()) {
                    fail(
                            f,
                            "phi " + p.result() + " in " + b.label() + " has "
                                    + p.incoming().size() + " inputs for "
                                    + preds.get(b).size() + " predecessors");
                }
                for (Phi.Incoming in : p.incoming()) {
                    if (!preds.get(b).contains(in.from())) {
                        fail(
                                f,
                                "phi " + p.result() + " has an input from "
                                        + in.from().label() + ", not a predecessor");
                    }
                    use(f, defined, in.value(), p.result().type());
                }
            }
            for (Instruction i : b.instructions()) {
                for (Value v : i.operands()) {
                    use(f, defined, v, null);
                }
                checkTypes(f, i);
            }
            if (b.terminator() instanceof Terminator.Branch br) {
                use(f, defined, br.condition(), ScalarType.I1);
            }
        }
    }

    private static void checkTypes(Function f, Instruction i) {
        switch (i) {
            case Binary b
            when b.op() != BinaryOperator.SHL && b.op() != BinaryOperator.SHR && b.op() != BinaryOperator.USHR -> {
                if (!b.left().type().equals(b.right().type())
                        || !b.left().type().equals(b.result().type())) {
                    fail(f, "mixed types in " + IrPrinter.print(i));
                }
            }
            case Compare c -> {
                if (!c.left().type().equals(c.right().type())) {
                    fail(f, "mixed types in " + IrPrinter.print(i));
                }
            }
            case Load l -> {
                if (!(l.base().type() instanceof PointerType p)
                        || !p.element().equals(l.result().type())) {
                    fail(f, "load type mismatch in " + IrPrinter.print(i));
                }
            }
            case LoadBytes l -> {
                if (!(l.base().type() instanceof PointerType p)
                        || p.element() != ScalarType.I8
                        || l.byteOffset().type() != ScalarType.I32
                        || !(l.type() == ScalarType.I16 || l.type() == ScalarType.I32 || l.type() == ScalarType.I64)) {
                    fail(
                            f,
                            "wide load needs an i8 pointer, an i32 offset and an i16/i32/i64 result: "
                                    + IrPrinter.print(i));
                }
            }
            case VectorBroadcast v -> {
                if (v.scalar().type() != v.type().element()) {
                    fail(f, "broadcast of a " + v.scalar().type() + " to " + v.type() + ": " + IrPrinter.print(i));
                }
            }
            case VectorLoad v -> {
                ScalarType expected =
                        v.kind() == VectorLoadKind.ELEMENTS ? v.type().element() : ScalarType.I8;
                if (!(v.base().type() instanceof PointerType p)
                        || p.element() != expected
                        || v.index().type() != ScalarType.I32) {
                    fail(f, "vector load needs a " + expected + " pointer and an i32 index: " + IrPrinter.print(i));
                }
            }
            case VectorSum v -> {
                if (!(v.vector().type() instanceof VectorType t)
                        || t.element() != v.result().type()) {
                    fail(f, "vector sum of a non-vector: " + IrPrinter.print(i));
                }
            }
            case VectorExtract v -> {
                if (!(v.vector().type() instanceof VectorType t)
                        || t.element() != v.result().type()
                        || v.lane() < 0
                        || v.lane() >= t.lanes()) {
                    fail(f, "lane out of range or not a vector: " + IrPrinter.print(i));
                }
            }
            case MathOp m
            when m.result().type() instanceof VectorType -> {
                if (m.function() != MathFunction.FMA
                        || !m.arguments().stream()
                                .allMatch(a -> a.type().equals(m.result().type()))) {
                    fail(f, "only fma of three vectors of one type is a vector math op: " + IrPrinter.print(i));
                }
            }
            case Store s -> {
                if (!(s.base().type() instanceof PointerType p)
                        || !p.element().equals(s.value().type())) {
                    fail(f, "store type mismatch in " + IrPrinter.print(i));
                }
            }
            default -> {}
        }
    }

    private static void define(Function f, Set<Temp> defined, Temp t) {
        if (!defined.add(t)) {
            fail(f, t + " is defined twice");
        }
    }

    private static void use(Function f, Set<Temp> defined, Value v, Type expected) {
        if (v instanceof Temp t && !defined.contains(t)) {
            fail(f, t + " is used but never defined");
        }
        if (expected != null && !v.type().equals(expected)) {
            fail(f, v + " has type " + v.type() + " where " + expected + " is expected");
        }
    }

    private static void fail(Function f, String problem) {
        throw new IllegalStateException("invalid IR in " + f.name() + ": " + problem + "\n" + IrPrinter.print(f));
    }
}
