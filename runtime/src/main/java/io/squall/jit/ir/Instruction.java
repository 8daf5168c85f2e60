package io.squall.jit.ir;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A non-terminating instruction of a block. Records are immutable: passes rewrite operands with {@link #mapOperands}.
 * {@link #result()} is the defined temp, or null for instructions used only for their effect.
 */
public sealed interface Instruction {

    Temp result();

    List<Value> operands();

    Instruction mapOperands(UnaryOperator<Value> f);

    /** True when removing the instruction (if its result is unused) cannot change the program. */
    default boolean isPure() {
        return true;
    }

    enum BinaryOperator {
        ADD,
        SUB,
        MUL,
        DIV,
        REM,
        AND,
        OR,
        XOR,
        SHL,
        SHR,
        USHR
    }

    /** Arithmetic with Java semantics: wrapping integers, shift counts masked to the width, IEEE floats. */
    record Binary(Temp result, BinaryOperator op, Value left, Value right) implements Instruction {
        public List<Value> operands() {
            return List.of(left, right);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Binary(result, op, f.apply(left), f.apply(right));
        }
    }

    enum UnaryOp {
        NEG,
        NOT
    }

    record Unary(Temp result, UnaryOp op, Value operand) implements Instruction {
        public List<Value> operands() {
            return List.of(operand);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Unary(result, op, f.apply(operand));
        }
    }

    enum Predicate {
        EQ,
        NE,
        LT,
        LE,
        GT,
        GE
    }

    /**
     * Signed integer or float comparison giving i1. For floats, {@code unordered} says the result when an operand is NaN
     * (true: "unordered or pred"; false: ordered, NaN gives false) — the two flavours of Java's fcmpl/fcmpg.
     */
    record Compare(Temp result, Predicate predicate, boolean unordered, Value left, Value right)
            implements Instruction {
        public List<Value> operands() {
            return List.of(left, right);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Compare(result, predicate, unordered, f.apply(left), f.apply(right));
        }
    }

    record Select(Temp result, Value condition, Value ifTrue, Value ifFalse) implements Instruction {
        public List<Value> operands() {
            return List.of(condition, ifTrue, ifFalse);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Select(result, f.apply(condition), f.apply(ifTrue), f.apply(ifFalse));
        }
    }

    /**
     * NUMERIC: value conversion with Java semantics (integer narrowing wraps, widening sign-extends, float to integer
     * rounds toward zero and saturates with NaN giving 0). ZERO_EXTEND: unsigned widening. BITCAST: same bits, new type.
     */
    enum ConversionKind {
        NUMERIC,
        ZERO_EXTEND,
        BITCAST
    }

    record Convert(Temp result, ConversionKind kind, Value value) implements Instruction {
        public List<Value> operands() {
            return List.of(value);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Convert(result, kind, f.apply(value));
        }
    }

    /** A precise math function (Java's {@code Math} semantics up to the backend's documented ulp error). */
    record MathOp(Temp result, MathFunction function, List<Value> arguments) implements Instruction {
        public List<Value> operands() {
            return arguments;
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new MathOp(result, function, arguments.stream().map(f).toList());
        }
    }

    /** result = base[index]; the element type is the pointer's. */
    record Load(Temp result, Value base, Value index) implements Instruction {
        public List<Value> operands() {
            return List.of(base, index);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Load(result, f.apply(base), f.apply(index));
        }

        public boolean isPure() {
            return true;
        }
    }

    /**
     * result = the little-endian i16, i32 or i64 (the result's type) held in the bytes {@code base[byteOffset ..]} of an
     * i8 pointer: one wide load instead of a load per byte. {@code byteOffset} must be a multiple of the result's size
     * (its natural alignment, which the wide loads of every device need; buffers start aligned); the frontend checks
     * constant offsets, the JVM every offset, guarded devices treat a misaligned offset as out of range.
     */
    record LoadBytes(Temp result, Value base, Value byteOffset) implements Instruction {
        public List<Value> operands() {
            return List.of(base, byteOffset);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new LoadBytes(result, f.apply(base), f.apply(byteOffset));
        }

        public ScalarType type() {
            return (ScalarType) result.type();
        }
    }

    /** base[index] = value. */
    record Store(Value base, Value index, Value value) implements Instruction {
        public Temp result() {
            return null;
        }

        public List<Value> operands() {
            return List.of(base, index, value);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new Store(f.apply(base), f.apply(index), f.apply(value));
        }

        public boolean isPure() {
            return false;
        }
    }

    /**
     * An array of {@code length} elements: work-group-shared when the result is a LOCAL pointer, one per work-item
     * (Java's {@code new float[16]} in a kernel) when it is a PRIVATE pointer; private arrays start uninitialized.
     */
    record LocalArray(Temp result, int length) implements Instruction {
        public List<Value> operands() {
            return List.of();
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        public ScalarType elementType() {
            return ((PointerType) result.type()).element();
        }
    }

    enum WorkItemQuery {
        GLOBAL_ID,
        LOCAL_ID,
        GROUP_ID,
        GLOBAL_SIZE,
        LOCAL_SIZE,
        NUM_GROUPS
    }

    /** An i32 work-item coordinate or launch size in dimension 0..2. */
    record WorkItem(Temp result, WorkItemQuery query, int dimension) implements Instruction {
        public List<Value> operands() {
            return List.of();
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return this;
        }
    }

    enum BarrierScope {
        LOCAL,
        GLOBAL
    }

    /** Work-group barrier; GLOBAL also orders global memory. */
    record Barrier(BarrierScope scope) implements Instruction {
        public Temp result() {
            return null;
        }

        public List<Value> operands() {
            return List.of();
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        public boolean isPure() {
            return false;
        }
    }

    /** MUL has no hardware atomic anywhere: every backend does it by compare-and-swap. */
    enum AtomicOperator {
        ADD,
        MIN,
        MAX,
        EXCHANGE,
        MUL
    }

    /** Atomic read-modify-write of base[index]; result (may be null) is the previous value. */
    record AtomicRMW(Temp result, AtomicOperator op, Value base, Value index, Value value) implements Instruction {
        public List<Value> operands() {
            return List.of(base, index, value);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new AtomicRMW(result, op, f.apply(base), f.apply(index), f.apply(value));
        }

        public boolean isPure() {
            return false;
        }

        public AddressSpace space() {
            return ((PointerType) base.type()).space();
        }
    }

    enum SubGroupOperation {
        LOCAL_ID,
        SIZE,
        REDUCE_ADD,
        REDUCE_MIN,
        REDUCE_MAX,
        BROADCAST,
        SHUFFLE,
        SHUFFLE_XOR
    }

    /**
     * Sub-group (warp) operations, for the backends that expose them (OpenCL cl_khr_subgroups, PTX shfl.sync,
     * SPIR-V GroupNonUniform). Arguments: the value, then the lane (BROADCAST, SHUFFLE) or lane mask (SHUFFLE_XOR).
     */
    record SubGroupOp(Temp result, SubGroupOperation operation, List<Value> arguments) implements Instruction {
        public List<Value> operands() {
            return arguments;
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new SubGroupOp(result, operation, arguments.stream().map(f).toList());
        }

        public boolean isPure() {
            return false;
        }
    }
}
