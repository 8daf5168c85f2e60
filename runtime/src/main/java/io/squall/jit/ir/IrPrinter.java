package io.squall.jit.ir;

import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Barrier;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.LoadBytes;
import io.squall.jit.ir.Instruction.LocalArray;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.MatrixMultiplyAccumulate;
import io.squall.jit.ir.Instruction.Select;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.SubGroupOp;
import io.squall.jit.ir.Instruction.Unary;
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorSum;
import io.squall.jit.ir.Instruction.WorkItem;

import java.util.stream.Collectors;

/** Readable text form of a function, for tests, debugging and {@code --printKernel}. */
public final class IrPrinter {
    private IrPrinter() {}

    public static String print(Function f) {
        StringBuilder sb = new StringBuilder("function ").append(f.name()).append('(');
        sb.append(f.parameters().stream()
                .map(p -> p.value() + ": " + p.value().type() + " " + p.name())
                .collect(Collectors.joining(", ")));
        sb.append(") {\n");
        for (Block b : f.blocks()) {
            sb.append(b.label()).append(":\n");
            for (Phi p : b.phis()) {
                sb.append("  ").append(p).append('\n');
            }
            for (Instruction i : b.instructions()) {
                sb.append("  ").append(print(i)).append('\n');
            }
            sb.append("  ").append(b.terminator()).append('\n');
        }
        return sb.append("}\n").toString();
    }

    public static String print(Instruction i) {
        String def = i.result() == null ? "" : i.result() + " = ";
        String body = switch (i) {
            case Binary b -> b.op().name().toLowerCase() + " " + b.result().type() + " " + b.left() + ", " + b.right();
            case Unary u -> u.op().name().toLowerCase() + " " + u.operand();
            case Compare c ->
                "cmp " + (c.unordered() ? "u" : "") + c.predicate().name().toLowerCase() + " " + c.left() + ", "
                        + c.right();
            case Select s -> "select " + s.condition() + ", " + s.ifTrue() + ", " + s.ifFalse();
            case Convert c ->
                c.kind().name().toLowerCase() + " " + c.value() + " to "
                        + c.result().type();
            case MathOp m ->
                m.function().name().toLowerCase() + " "
                        + m.arguments().stream().map(String::valueOf).collect(Collectors.joining(", "));
            case Load l -> "load " + l.base() + "[" + l.index() + "]";
            case LoadBytes l ->
                "load." + l.type().name().toLowerCase() + " " + l.base() + "[byte " + l.byteOffset() + "]";
            case Store s -> "store " + s.base() + "[" + s.index() + "] = " + s.value();
            case LocalArray a -> "local " + a.elementType() + "[" + a.length() + "]";
            case WorkItem w -> w.query().name().toLowerCase() + " " + w.dimension();
            case Barrier b -> "barrier " + b.scope().name().toLowerCase();
            case AtomicRMW a ->
                "atomic " + a.op().name().toLowerCase() + " " + a.base() + "[" + a.index() + "], " + a.value();
            case SubGroupOp s ->
                "subgroup " + s.operation().name().toLowerCase() + " "
                        + s.arguments().stream().map(String::valueOf).collect(Collectors.joining(", "));
            case VectorBroadcast v -> "broadcast " + v.type() + " " + v.scalar();
            case VectorLoad v ->
                "load." + v.kind().name().toLowerCase() + " " + v.type() + " " + v.base() + "[" + v.index() + "]";
            case VectorSum v -> "vsum " + v.vector();
            case VectorExtract v -> "extract " + v.vector() + "[" + v.lane() + "]";
            case MatrixMultiplyAccumulate m ->
                "mma " + m.kind().name().toLowerCase() + " " + m.d() + " = " + m.a() + " x " + m.b() + " + " + m.c();
        };
        return def + body;
    }
}
