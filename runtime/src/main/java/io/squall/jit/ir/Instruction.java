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

    /**
     * KernelContext's name for a warp-collective of exactly 32 lanes (TornadoVM's simd* and mma*), which only the PTX
     * code generator lowers; null for every other instruction.
     */
    static String warpCollectiveMethod(Instruction i) {
        return switch (i) {
            case MatrixMultiplyAccumulate m -> m.kind().method;
            case SubGroupOp s ->
                switch (s.operation()) {
                    case WARP_SUM -> "simdSum";
                    case WARP_SHUFFLE_DOWN -> "simdShuffleDown";
                    case WARP_BROADCAST_FIRST -> "simdBroadcastFirst";
                    default -> null;
                };
            default -> null;
        };
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
        SHUFFLE_XOR,
        /** TornadoVM's simdSum: the sum over the 32-lane warp, whatever the device's sub-group size. */
        WARP_SUM,
        /** TornadoVM's simdShuffleDown: lane + delta's value; a lane whose source is past lane 31 keeps its own. */
        WARP_SHUFFLE_DOWN,
        /** TornadoVM's simdBroadcastFirst: lane 0's value. */
        WARP_BROADCAST_FIRST
    }

    /**
     * Sub-group (warp) operations, for the backends that expose them (OpenCL cl_khr_subgroups, PTX shfl.sync,
     * SPIR-V GroupNonUniform). Arguments: the value, then the lane (BROADCAST, SHUFFLE), lane mask (SHUFFLE_XOR) or
     * delta (WARP_SHUFFLE_DOWN). The WARP_* operations are over warps of exactly 32 consecutive work-items (TornadoVM's
     * simd*), which only the PTX code generator lowers; the others reject them by name.
     */
    record SubGroupOp(Temp result, SubGroupOperation operation, List<Value> arguments) implements Instruction {
        public List<Value> operands() {
            return arguments;
        }

        /** Itself when no argument changes, so the instruction keeps its source location through the passes. */
        public Instruction mapOperands(UnaryOperator<Value> f) {
            SubGroupOp s =
                    new SubGroupOp(result, operation, arguments.stream().map(f).toList());
            return s.equals(this) ? this : s;
        }

        public boolean isPure() {
            return false;
        }
    }

    /** A vector with every lane {@code scalar} (of the vector's element type). */
    record VectorBroadcast(Temp result, Value scalar) implements Instruction {
        public List<Value> operands() {
            return List.of(scalar);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new VectorBroadcast(result, f.apply(scalar));
        }

        public VectorType type() {
            return (VectorType) result.type();
        }
    }

    /** How {@link VectorLoad} reads its lanes. */
    enum VectorLoadKind {
        /** Lane k = base[index + k]; the pointer's elements are the vector's. */
        ELEMENTS,
        /** Lane k = the signed byte base[index + k] of an i8 pointer, converted to the element type (Q8_0 quants). */
        SIGNED_BYTES,
        /** Lane k = the low four bits of the byte base[index + k] (0..15), converted (Q4_0's first 16 quants). */
        LOW_NIBBLES,
        /** Lane k = the high four bits of the byte base[index + k] (0..15), converted (Q4_0's last 16 quants). */
        HIGH_NIBBLES
    }

    /**
     * One load of {@code lanes} consecutive elements from {@code base[index]} on (index in the pointer's elements: bytes
     * for the byte kinds), converted as {@code kind} says. Only element alignment is needed (OpenCL's vloadN).
     */
    record VectorLoad(Temp result, VectorLoadKind kind, Value base, Value index) implements Instruction {
        public List<Value> operands() {
            return List.of(base, index);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new VectorLoad(result, kind, f.apply(base), f.apply(index));
        }

        public VectorType type() {
            return (VectorType) result.type();
        }
    }

    /**
     * The sum of a vector's lanes in a fixed order, the same on every backend: halves added lane-wise until one lane is
     * left ((v.lo + v.hi), then its halves, ...), which is how the OpenCL C form and the Java host classes add them.
     */
    record VectorSum(Temp result, Value vector) implements Instruction {
        public List<Value> operands() {
            return List.of(vector);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new VectorSum(result, f.apply(vector));
        }
    }

    /** Lane {@code lane} (a constant) of a vector. */
    record VectorExtract(Temp result, Value vector, int lane) implements Instruction {
        public List<Value> operands() {
            return List.of(vector);
        }

        public Instruction mapOperands(UnaryOperator<Value> f) {
            return new VectorExtract(result, f.apply(vector), lane);
        }
    }

    /** The operand types and shape of a tensor-core multiply-accumulate (PTX {@code mma.sync.aligned}). */
    enum MmaKind {
        /** m16n8k16, fp16 A and B, fp32 C and D. */
        F16_F32("mma", 8, 4, 16),
        /** m16n8k16, bf16 A and B, fp32 C and D. */
        BF16_F32("mmaBF16", 8, 4, 16),
        /** m16n8k32, int8 A and B, int32 C and D (wrapping). */
        S8_S32("mmaInt8", 16, 8, 32),
        /** m16n8k32, OCP FP8 E4M3 A and B, fp32 C and D (sm_89 and newer). */
        E4M3_F32("mmaFP8E4M3", 16, 8, 32),
        /** m16n8k32, OCP FP8 E5M2 A and B, fp32 C and D (sm_89 and newer). */
        E5M2_F32("mmaFP8E5M2", 16, 8, 32);

        /** KernelContext's method name, for messages. */
        public final String method;

        public final int aElements;
        public final int bElements;
        public final int k;

        MmaKind(String method, int aElements, int bElements, int k) {
            this.method = method;
            this.aElements = aElements;
            this.bElements = bElements;
            this.k = k;
        }
    }

    /**
     * Warp-collective tensor-core D = A x B + C for one 16x8 tile (TornadoVM's mma*): {@code a}, {@code b}, {@code c}
     * and {@code d} are private arrays holding this lane's fragments in PTX's layouts (see KernelContext), of
     * {@link MmaKind#aElements}, {@link MmaKind#bElements} and 4 elements; {@code d} may be {@code c}. Every lane of the
     * warp must reach it. Only the PTX code generator lowers it; the others reject it by name.
     */
    record MatrixMultiplyAccumulate(MmaKind kind, Value d, Value a, Value b, Value c) implements Instruction {
        public Temp result() {
            return null;
        }

        public List<Value> operands() {
            return List.of(d, a, b, c);
        }

        /** Itself when no operand changes, so the instruction keeps its source location through the passes. */
        public Instruction mapOperands(UnaryOperator<Value> f) {
            MatrixMultiplyAccumulate m =
                    new MatrixMultiplyAccumulate(kind, f.apply(d), f.apply(a), f.apply(b), f.apply(c));
            return m.equals(this) ? this : m;
        }

        public boolean isPure() {
            return false;
        }
    }
}
