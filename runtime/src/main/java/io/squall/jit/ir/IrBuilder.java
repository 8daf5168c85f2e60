package io.squall.jit.ir;

import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Barrier;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.LoadBytes;
import io.squall.jit.ir.Instruction.LocalArray;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.MatrixMultiplyAccumulate;
import io.squall.jit.ir.Instruction.MmaKind;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.Select;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.SubGroupOp;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.Unary;
import io.squall.jit.ir.Instruction.UnaryOp;
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorLoadKind;
import io.squall.jit.ir.Instruction.VectorSum;
import io.squall.jit.ir.Instruction.WorkItem;
import io.squall.jit.ir.Instruction.WorkItemQuery;

import java.util.List;

/** Appends typed instructions to a current block; the one place that knows each instruction's result type. */
public final class IrBuilder {
    private final Function function;
    private Block block;
    private SourceLocation location;

    public IrBuilder(Function function) {
        this.function = function;
    }

    public Function function() {
        return function;
    }

    public Block block() {
        return block;
    }

    public void setBlock(Block block) {
        this.block = block;
    }

    /** Source location recorded for the instructions appended from now on (null: none). */
    public void at(SourceLocation location) {
        this.location = location;
    }

    public Block newBlock() {
        return function.newBlock();
    }

    private Temp append(Instruction i) {
        if (block.isTerminated()) {
            throw new IllegalStateException("appending to terminated block " + block.label());
        }
        block.instructions().add(i);
        if (location != null) {
            function.locate(i, location);
        }
        return i.result();
    }

    public Value binary(BinaryOperator op, Value a, Value b) {
        if (!a.type().equals(b.type())
                && !(op == BinaryOperator.SHL || op == BinaryOperator.SHR || op == BinaryOperator.USHR)) {
            throw new IllegalArgumentException("operand types differ: " + a.type() + " " + op + " " + b.type());
        }
        if (a instanceof Constant ca && b instanceof Constant cb) {
            Constant folded = Folding.binary(op, ca, cb);
            if (folded != null) {
                return folded;
            }
        }
        return append(new Binary(function.newTemp(a.type()), op, a, b));
    }

    public Value unary(UnaryOp op, Value a) {
        if (a instanceof Constant c) {
            Constant folded = Folding.unary(op, c);
            if (folded != null) {
                return folded;
            }
        }
        return append(new Unary(function.newTemp(a.type()), op, a));
    }

    public Value compare(Predicate p, boolean unordered, Value a, Value b) {
        return append(
                new Compare(function.newTemp(ScalarType.I1), p, unordered && ((ScalarType) a.type()).isFloat(), a, b));
    }

    public Value select(Value cond, Value t, Value f) {
        return append(new Select(function.newTemp(t.type()), cond, t, f));
    }

    public Value convert(ConversionKind kind, Value v, ScalarType to) {
        if (v.type() == to) {
            return v;
        }
        if (v instanceof Constant c) {
            Constant folded = Folding.convert(kind, c, to);
            if (folded != null) {
                return folded;
            }
        }
        return append(new Convert(function.newTemp(to), kind, v));
    }

    public Value math(MathFunction fn, List<Value> args) {
        return append(new MathOp(function.newTemp(args.getFirst().type()), fn, List.copyOf(args)));
    }

    public Value load(Value base, Value index) {
        return append(new Load(function.newTemp(((PointerType) base.type()).element()), base, index));
    }

    /** A wide little-endian load of {@code type} (i16, i32, i64) at a byte offset of an i8 pointer; see {@link LoadBytes}. */
    public Value loadBytes(ScalarType type, Value base, Value byteOffset) {
        return append(new LoadBytes(function.newTemp(type), base, byteOffset));
    }

    /** A sub-group operation giving {@code type} (the value's type; i32 for LOCAL_ID and SIZE). */
    public Value subGroup(SubGroupOperation op, ScalarType type, List<Value> args) {
        return append(new SubGroupOp(function.newTemp(type), op, List.copyOf(args)));
    }

    /** Tensor-core D = A x B + C over the warp; see {@link MatrixMultiplyAccumulate}. */
    public void mma(MmaKind kind, Value d, Value a, Value b, Value c) {
        append(new MatrixMultiplyAccumulate(kind, d, a, b, c));
    }

    /** A vector of {@code type} with every lane {@code scalar}. */
    public Value vectorBroadcast(VectorType type, Value scalar) {
        return append(new VectorBroadcast(function.newTemp(type), scalar));
    }

    /** {@code type.lanes()} consecutive elements from {@code base[index]}, converted as {@code kind} says. */
    public Value vectorLoad(VectorType type, VectorLoadKind kind, Value base, Value index) {
        return append(new VectorLoad(function.newTemp(type), kind, base, index));
    }

    /** The sum of a vector's lanes (in {@link VectorSum}'s order). */
    public Value vectorSum(Value vector) {
        return append(new VectorSum(function.newTemp(((VectorType) vector.type()).element()), vector));
    }

    /** One lane of a vector. */
    public Value vectorExtract(Value vector, int lane) {
        return append(new VectorExtract(function.newTemp(((VectorType) vector.type()).element()), vector, lane));
    }

    public void store(Value base, Value index, Value value) {
        append(new Store(base, index, value));
    }

    public Value localArray(ScalarType element, int length) {
        return append(new LocalArray(function.newTemp(new PointerType(element, AddressSpace.LOCAL)), length));
    }

    /** A per-work-item array (its elements are not initialized). */
    public Value privateArray(ScalarType element, int length) {
        return append(new LocalArray(function.newTemp(new PointerType(element, AddressSpace.PRIVATE)), length));
    }

    public Value workItem(WorkItemQuery q, int dim) {
        return append(new WorkItem(function.newTemp(ScalarType.I32), q, dim));
    }

    public void barrier(BarrierScope scope) {
        append(new Barrier(scope));
    }

    public Value atomic(AtomicOperator op, Value base, Value index, Value value) {
        return append(new AtomicRMW(function.newTemp(((PointerType) base.type()).element()), op, base, index, value));
    }

    public void jump(Block target) {
        block.setTerminator(new Terminator.Jump(target));
    }

    public void branch(Value cond, Block ifTrue, Block ifFalse) {
        block.setTerminator(new Terminator.Branch(cond, ifTrue, ifFalse));
    }

    public void ret() {
        block.setTerminator(new Terminator.Return());
    }
}
