package io.squall.jit.passes;

import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorSum;
import io.squall.jit.ir.IrPrinter;
import io.squall.jit.ir.IrVerifier;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.SourceLocation;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;
import io.squall.jit.ir.VectorType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands vector values into their lanes, for the code generators without vector types (PTX, SPIR-V): a vector temp
 * becomes one scalar temp per lane, a vector phi one phi per lane, a lane-wise operation one scalar operation per lane,
 * a vector load one load per element (converted as its kind says), and VectorSum the same tree of additions that
 * OpenCL C's {@code .lo + .hi} gives, so every backend adds the lanes in one order.
 */
public final class VectorScalarization {
    private final Function f;
    private final Map<Temp, Object> definitions;
    private final Map<Temp, List<Value>> lanes = new HashMap<>();
    /** Scalar results that name a lane already computed (VectorExtract): their uses take the lane. */
    private final Map<Temp, Value> replacements = new HashMap<>();

    private VectorScalarization(Function f) {
        this.f = f;
        this.definitions = f.definitions();
    }

    /**
     * The error of a code generator that met a vector instruction after {@link #scalarized}: the backends that take
     * scalarized code (PTX, SPIR-V) never should.
     */
    public static IllegalStateException leftOver(Instruction i) {
        return new IllegalStateException("vector instruction left after scalarization: " + IrPrinter.print(i));
    }

    /** {@code ir} itself when it has no vector values, else a scalarized copy ({@code ir} is left as it is). */
    public static Function scalarized(Function ir) {
        if (!hasVectors(ir)) {
            return ir;
        }
        Function copy = ir.copy();
        new VectorScalarization(copy).run();
        IrVerifier.verify(copy);
        return copy;
    }

    private static boolean hasVectors(Function ir) {
        for (Block b : ir.blocks()) {
            for (Phi p : b.phis()) {
                if (p.result().type() instanceof VectorType) {
                    return true;
                }
            }
            for (Instruction i : b.instructions()) {
                if ((i.result() != null && i.result().type() instanceof VectorType)
                        || i.operands().stream().anyMatch(v -> v.type() instanceof VectorType)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void run() {
        for (Block b : f.blocks()) {
            List<Phi> phis = new ArrayList<>();
            for (Phi p : b.phis()) {
                if (!(p.result().type() instanceof VectorType t)) {
                    phis.add(p);
                    continue;
                }
                List<Value> own = lanesOf(p.result());
                for (int k = 0; k < t.lanes(); k++) {
                    Phi lane = new Phi((Temp) own.get(k));
                    for (Phi.Incoming in : p.incoming()) {
                        lane.addIncoming(in.from(), lanesOf((Temp) in.value()).get(k));
                    }
                    phis.add(lane);
                }
            }
            b.phis().clear();
            b.phis().addAll(phis);
            List<Instruction> out = new ArrayList<>();
            for (Instruction i : b.instructions()) {
                expand(i, out);
            }
            b.instructions().clear();
            b.instructions().addAll(out);
        }
        f.replaceUses(replacements);
    }

    /** The lanes of a vector temp: new scalar temps, or a broadcast's scalar repeated. */
    private List<Value> lanesOf(Temp vector) {
        List<Value> known = lanes.get(vector);
        if (known != null) {
            return known;
        }
        VectorType t = (VectorType) vector.type();
        List<Value> made = definitions.get(vector) instanceof VectorBroadcast broadcast
                ? Collections.nCopies(t.lanes(), broadcast.scalar())
                : java.util.stream.IntStream.range(0, t.lanes())
                        .mapToObj(k -> (Value) f.newTemp(t.element()))
                        .toList();
        lanes.put(vector, made);
        return made;
    }

    private void expand(Instruction i, List<Instruction> out) {
        SourceLocation where = f.location(i);
        List<Instruction> added = new ArrayList<>();
        switch (i) {
            case Binary b
            when b.result().type() instanceof VectorType t -> {
                List<Value> left = lanesOf((Temp) b.left());
                List<Value> right = lanesOf((Temp) b.right());
                List<Value> result = lanesOf(b.result());
                for (int k = 0; k < t.lanes(); k++) {
                    added.add(new Binary((Temp) result.get(k), b.op(), left.get(k), right.get(k)));
                }
            }
            case MathOp m
            when m.result().type() instanceof VectorType t -> {
                List<Value> result = lanesOf(m.result());
                for (int k = 0; k < t.lanes(); k++) {
                    int lane = k;
                    List<Value> args = m.arguments().stream()
                            .map(a -> lanesOf((Temp) a).get(lane))
                            .toList();
                    added.add(new MathOp((Temp) result.get(k), m.function(), args));
                }
            }
            case VectorBroadcast v -> {} // its lanes are the scalar itself
            case VectorLoad v -> {
                List<Value> result = lanesOf(v.result());
                for (int k = 0; k < v.type().lanes(); k++) {
                    Value index = v.index();
                    if (k > 0) {
                        Temp sum = f.newTemp(ScalarType.I32);
                        added.add(new Binary(sum, BinaryOperator.ADD, v.index(), Constant.ofInt(k)));
                        index = sum;
                    }
                    Temp lane = (Temp) result.get(k);
                    switch (v.kind()) {
                        case ELEMENTS -> added.add(new Load(lane, v.base(), index));
                        case SIGNED_BYTES -> {
                            Temp quant = f.newTemp(ScalarType.I8);
                            added.add(new Load(quant, v.base(), index));
                            added.add(new Convert(lane, ConversionKind.NUMERIC, quant));
                        }
                        case LOW_NIBBLES, HIGH_NIBBLES -> {
                            Temp quant = f.newTemp(ScalarType.I8);
                            Temp wide = f.newTemp(ScalarType.I32);
                            added.add(new Load(quant, v.base(), index));
                            added.add(new Convert(wide, ConversionKind.ZERO_EXTEND, quant));
                            Value shifted = wide;
                            if (v.kind() == Instruction.VectorLoadKind.HIGH_NIBBLES) {
                                Temp high = f.newTemp(ScalarType.I32);
                                added.add(new Binary(high, BinaryOperator.USHR, wide, Constant.ofInt(4)));
                                shifted = high;
                            }
                            Temp nibble = f.newTemp(ScalarType.I32);
                            added.add(new Binary(nibble, BinaryOperator.AND, shifted, Constant.ofInt(15)));
                            added.add(new Convert(lane, ConversionKind.NUMERIC, nibble));
                        }
                    }
                }
            }
            case VectorSum s -> {
                List<Value> level = lanesOf((Temp) s.vector());
                while (level.size() > 1) { // lane k + lane k + half: the halves added lane-wise, as .lo + .hi
                    int half = level.size() / 2;
                    List<Value> next = new ArrayList<>();
                    for (int k = 0; k < half; k++) {
                        Temp sum = half == 1 ? s.result() : f.newTemp(s.result().type());
                        added.add(new Binary(sum, BinaryOperator.ADD, level.get(k), level.get(k + half)));
                        next.add(sum);
                    }
                    level = next;
                }
            }
            case VectorExtract e ->
                replacements.put(e.result(), lanesOf((Temp) e.vector()).get(e.lane()));
            default -> added.add(i);
        }
        for (Instruction a : added) {
            if (where != null) {
                f.locate(a, where);
            }
        }
        out.addAll(added);
    }
}
