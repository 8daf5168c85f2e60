package io.squall.backend.spirv.codegen;

import io.squall.backend.spirv.codegen.SpirvModule.Words;
import io.squall.backend.spirv.codegen.Spv.OpenCLStd;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Barrier;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
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
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.Unary;
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorSum;
import io.squall.jit.ir.Instruction.WorkItem;
import io.squall.jit.ir.Parameter;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Type;
import io.squall.jit.ir.Value;
import io.squall.jit.ir.VectorType;
import io.squall.jit.passes.VectorScalarization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IR to a SPIR-V module for the OpenCL environment (Kernel capability, Physical64 addressing, OpenCL memory model).
 * Control flow stays unstructured (legal for kernels); blocks go out in reverse post-order so each follows its
 * dominators. f16 values live widened in f32 and touch memory through OpenCL.std vload_half/vstore_half, so only
 * Float16Buffer is needed. Java semantics are kept as in the OpenCL C backend: NaN-propagating min/max, saturating
 * float-to-integer conversion with NaN giving 0, masked shift counts, no contraction into fma (ContractionOff).
 */
public final class SpirvEmitter {
    private final Kernel kernel;
    private final Function f;
    private final DeviceCapabilities caps;
    private final SpirvModule m = new SpirvModule();
    private final int ext;
    private final Map<Temp, Integer> ids = new HashMap<>();
    private final Map<String, Integer> builtins = new LinkedHashMap<>();
    private final Map<Block, Integer> labels = new IdentityHashMap<>();
    private final Map<Block, Integer> lastLabels = new IdentityHashMap<>();
    private final Words prologue = new Words();
    private final Words localVariables = new Words();
    private final Words code = new Words();
    private final List<int[]> phiPatches = new ArrayList<>(); // {word index in code, block index}
    private final List<Block> order;
    private int currentLabel;
    private int halfScratch;
    private boolean usesDouble;

    private SpirvEmitter(Kernel kernel, DeviceCapabilities caps) {
        this.kernel = kernel;
        this.f = VectorScalarization.scalarized(kernel.ir()); // no vector types here: one register per lane
        this.caps = caps;
        for (int cap : new int[] {
            Spv.CAP_ADDRESSES, Spv.CAP_KERNEL, Spv.CAP_INT64, Spv.CAP_INT8, Spv.CAP_INT16, Spv.CAP_FLOAT16_BUFFER
        }) {
            m.capability(cap);
        }
        ext = m.id();
        m.extInstImports.instruction(
                Op.ExtInstImport, SpirvModule.concat(new int[] {ext}, SpirvModule.string("OpenCL.std")));
        order = reversePostOrder(f);
    }

    /** The kernel as a SPIR-V module whose one entry point is {@code kernel.entryName()}. */
    public static SpirvBinary emit(Kernel kernel, DeviceCapabilities caps) {
        return new SpirvEmitter(kernel, caps).emit();
    }

    private SpirvBinary emit() {
        int voidType = m.typeVoid();
        List<Integer> paramTypes = new ArrayList<>();
        List<Integer> paramIds = new ArrayList<>();
        List<Runnable> paramFixups = new ArrayList<>();
        for (Parameter p : f.parameters()) {
            Type t = p.value().type();
            int id = m.id();
            m.name(id, p.name());
            paramIds.add(id);
            if (t == ScalarType.I1) { // kernels cannot take bool: passed as a char
                paramTypes.add(m.typeInt(8));
                paramFixups.add(
                        () -> emitTo(prologue, v(p.value()), Op.INotEqual, m.typeBool(), id, m.constantInt(8, 0)));
            } else if (t == ScalarType.F16) { // passed as its binary16 bits, widened here
                paramTypes.add(m.typeInt(16));
                paramFixups.add(() -> bitsToHalf(prologue, v(p.value()), id));
            } else {
                paramTypes.add(type(t));
                ids.put(p.value(), id);
            }
        }
        int fnType = m.typeFunction(
                voidType, paramTypes.stream().mapToInt(Integer::intValue).toArray());
        int fn = m.id();
        m.name(fn, kernel.entryName());
        for (Block b : order) {
            labels.put(b, m.id());
        }
        paramFixups.forEach(Runnable::run);
        for (Block b : order) {
            block(b);
        }
        for (int[] patch : phiPatches) {
            code.set(patch[0], lastLabels.get(order.get(patch[1])));
        }
        if (usesDouble && !caps.fp64()) {
            throw new IllegalArgumentException(
                    kernel.javaName() + " uses double precision, which this device does not support (no cl_khr_fp64)");
        }
        Words fw = m.functions;
        fw.instruction(Op.Function, voidType, fn, 0, fnType);
        for (int i = 0; i < paramIds.size(); i++) {
            fw.instruction(Op.FunctionParameter, paramTypes.get(i), paramIds.get(i));
        }
        fw.instruction(Op.Label, m.id()); // a first block no branch targets, holding the function's variables
        fw.addAll(localVariables);
        fw.addAll(prologue);
        fw.instruction(Op.Branch, labels.get(order.getFirst()));
        fw.addAll(code);
        fw.instruction(Op.FunctionEnd);

        int[] entry =
                SpirvModule.concat(new int[] {Spv.EXECUTION_MODEL_KERNEL, fn}, SpirvModule.string(kernel.entryName()));
        m.entryPoints.instruction(
                Op.EntryPoint,
                SpirvModule.concat(
                        entry,
                        builtins.values().stream().mapToInt(Integer::intValue).toArray()));
        int[] wg = kernel.requiredLocalSize();
        if (wg != null) {
            long threads = 1;
            for (int s : wg) {
                threads *= s;
            }
            if (threads > caps.maxWorkGroupSize()) {
                throw new IllegalArgumentException(kernel.javaName() + " needs work-groups of " + threads
                        + " work-items (its @Reduce code), but the device allows at most " + caps.maxWorkGroupSize());
            }
            m.executionModes.instruction(
                    Op.ExecutionMode,
                    fn,
                    Spv.EXECUTION_MODE_LOCAL_SIZE,
                    wg[0],
                    wg.length > 1 ? wg[1] : 1,
                    wg.length > 2 ? wg[2] : 1);
        }
        if (!kernel.options().fastMath()) {
            m.executionModes.instruction(
                    Op.ExecutionMode, fn, Spv.EXECUTION_MODE_CONTRACTION_OFF); // Java rounds every operation
        }
        m.source.instruction(Op.Source, Spv.SOURCE_OPENCL_C, 102000);
        return new SpirvBinary(kernel.entryName(), m.assemble());
    }

    /** Blocks reachable from the entry, in reverse post-order: every block after its dominators. */
    static List<Block> reversePostOrder(Function f) {
        List<Block> post = new ArrayList<>();
        Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Block, Integer> nextSuccessor = new IdentityHashMap<>();
        java.util.ArrayDeque<Block> stack = new java.util.ArrayDeque<>();
        stack.push(f.entry());
        seen.add(f.entry());
        while (!stack.isEmpty()) {
            Block b = stack.peek();
            List<Block> succ = b.terminator().successors();
            int i = nextSuccessor.getOrDefault(b, 0);
            if (i < succ.size()) {
                nextSuccessor.put(b, i + 1);
                Block s = succ.get(i);
                if (seen.add(s)) {
                    stack.push(s);
                }
            } else {
                stack.pop();
                post.add(b);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    // ---- types and values

    private int storage(AddressSpace s) {
        return switch (s) {
            case GLOBAL -> Spv.CROSS_WORKGROUP;
            case LOCAL -> Spv.WORKGROUP;
            case PRIVATE -> Spv.FUNCTION;
        };
    }

    /** The SPIR-V type of a value: f16 values are widened to f32. */
    private int valueType(ScalarType s) {
        return switch (s) {
            case I1 -> m.typeBool();
            case I8, I16, I32, I64 -> m.typeInt(s.bits());
            case F16, F32 -> m.typeFloat(32);
            case F64 -> {
                noteDouble();
                yield m.typeFloat(64);
            }
        };
    }

    /** The type of an element in memory: booleans are bytes, halves are binary16 (Float16Buffer). */
    private int memoryType(ScalarType s) {
        return switch (s) {
            case I1 -> m.typeInt(8);
            case F16 -> m.typeFloat(16);
            default -> valueType(s);
        };
    }

    private int pointerType(PointerType p) {
        return m.typePointer(storage(p.space()), memoryType(p.element()));
    }

    private int type(Type t) {
        return switch (t) {
            case ScalarType s -> valueType(s);
            case PointerType p -> pointerType(p);
            case VectorType v -> throw new IllegalStateException("vector type left after scalarization: " + v);
        };
    }

    private void noteDouble() {
        if (!usesDouble) {
            usesDouble = true;
            m.capability(Spv.CAP_FLOAT64);
        }
    }

    private int v(Value x) {
        return switch (x) {
            case Temp t -> ids.computeIfAbsent(t, k -> m.id());
            case Constant c ->
                switch (c.type()) {
                    case I1 -> m.constantBool(c.bits() != 0);
                    case I8, I16, I32, I64 -> m.constantInt(c.type().bits(), c.bits());
                    case F16, F32 -> m.constantFloat((float) c.doubleValue());
                    case F64 -> {
                        noteDouble();
                        yield m.constantDouble(c.doubleValue());
                    }
                };
        };
    }

    private static ScalarType scalar(Value x) {
        return (ScalarType) x.type();
    }

    private static ScalarType element(Value pointer) {
        return ((PointerType) pointer.type()).element();
    }

    /** A float constant of the SPIR-V float type of {@code s} (f16 values are f32). */
    private int floatConstant(ScalarType s, double value) {
        return s == ScalarType.F64 ? m.constantDouble(value) : m.constantFloat((float) value);
    }

    // ---- emission helpers

    private static void emitTo(Words w, int result, Op op, int type, int... operands) {
        w.instruction(op, SpirvModule.concat(new int[] {type, result}, operands));
    }

    private void emitTo(int result, Op op, int type, int... operands) {
        emitTo(code, result, op, type, operands);
    }

    private int tmp(Op op, int type, int... operands) {
        int r = m.id();
        emitTo(r, op, type, operands);
        return r;
    }

    private void extInst(Words w, int result, int type, OpenCLStd fn, int... args) {
        emitTo(w, result, Op.ExtInst, type, SpirvModule.concat(new int[] {ext, fn.number}, args));
    }

    private void extInst(int result, int type, OpenCLStd fn, int... args) {
        extInst(code, result, type, fn, args);
    }

    private int extTmp(int type, OpenCLStd fn, int... args) {
        int r = m.id();
        extInst(r, type, fn, args);
        return r;
    }

    private void label(int id) {
        code.instruction(Op.Label, id);
        currentLabel = id;
    }

    // ---- blocks

    private void block(Block b) {
        label(labels.get(b));
        for (Phi p : b.phis()) {
            List<Integer> operands = new ArrayList<>();
            operands.add(type(p.result().type())); // a pointer for an array chosen by path
            operands.add(v(p.result()));
            List<Integer> patchAt = new ArrayList<>();
            for (Phi.Incoming in : p.incoming()) {
                if (!labels.containsKey(in.from())) {
                    continue; // an unreachable predecessor is not emitted
                }
                operands.add(v(in.value()));
                patchAt.add(operands.size());
                operands.add(order.indexOf(in.from()));
            }
            int start = code.instruction(
                    Op.Phi, operands.stream().mapToInt(Integer::intValue).toArray());
            for (int at : patchAt) {
                phiPatches.add(new int[] {start + at, operands.get(at)});
            }
        }
        for (Instruction i : b.instructions()) {
            instruction(i);
        }
        lastLabels.put(b, currentLabel);
        switch (b.terminator()) {
            case Terminator.Jump j -> code.instruction(Op.Branch, labels.get(j.target()));
            case Terminator.Branch br -> {
                if (br.ifTrue() == br.ifFalse()) {
                    code.instruction(Op.Branch, labels.get(br.ifTrue()));
                } else {
                    code.instruction(
                            Op.BranchConditional, v(br.condition()), labels.get(br.ifTrue()), labels.get(br.ifFalse()));
                }
            }
            case Terminator.Return r -> code.instruction(Op.Return);
        }
    }

    private void instruction(Instruction i) {
        switch (i) {
            case Binary b -> binary(b);
            case Unary u -> unary(u);
            case Compare c -> compare(c);
            case Select s ->
                emitTo(
                        v(s.result()),
                        Op.Select,
                        type(s.result().type()),
                        v(s.condition()),
                        v(s.ifTrue()),
                        v(s.ifFalse()));
            case Convert c -> convert(c);
            case MathOp mo -> math(mo);
            case Load l -> load(l);
            case LoadBytes l -> loadBytes(l);
            case Store s -> store(s);
            case LocalArray a -> localArray(a);
            case WorkItem w -> workItem(w);
            case Barrier b -> {
                int semantics = Spv.SEQUENTIALLY_CONSISTENT
                        | Spv.WORKGROUP_MEMORY
                        | (b.scope() == BarrierScope.GLOBAL ? Spv.CROSS_WORKGROUP_MEMORY : 0);
                code.instruction(
                        Op.ControlBarrier,
                        m.constantInt(32, Spv.SCOPE_WORKGROUP),
                        m.constantInt(32, Spv.SCOPE_WORKGROUP),
                        m.constantInt(32, semantics));
            }
            case AtomicRMW a -> atomic(a);
            case SubGroupOp s -> subGroup(s);
            case MatrixMultiplyAccumulate mma -> throw warpCollective(mma);
            case VectorBroadcast v -> throw VectorScalarization.leftOver(i);
            case VectorLoad v -> throw VectorScalarization.leftOver(i);
            case VectorSum v -> throw VectorScalarization.leftOver(i);
            case VectorExtract v -> throw VectorScalarization.leftOver(i);
        }
    }

    /** TornadoVM's simd* and mma*: warps of exactly 32 lanes, which SPIR-V's sub-groups do not promise. */
    private IllegalArgumentException warpCollective(Instruction i) {
        String method = Instruction.warpCollectiveMethod(i);
        return new IllegalArgumentException(kernel.javaName() + ": KernelContext." + method
                + (f.location(i) == null ? "" : " (" + f.location(i) + ")")
                + " is a collective over a warp of 32 work-items that only the PTX code generator lowers;"
                + " run the kernel on a ptx device or the JVM backend (TornadoVM runs it on PTX only too)");
    }

    private void binary(Binary b) {
        ScalarType t = scalar(b.result());
        int ty = valueType(t);
        int r = v(b.result());
        int l = v(b.left());
        int rr = v(b.right());
        if (t.isFloat()) {
            switch (b.op()) {
                case ADD -> emitTo(r, Op.FAdd, ty, l, rr);
                case SUB -> emitTo(r, Op.FSub, ty, l, rr);
                case MUL -> emitTo(r, Op.FMul, ty, l, rr);
                case DIV -> emitTo(r, Op.FDiv, ty, l, rr);
                case REM -> extInst(r, ty, OpenCLStd.fmod, l, rr);
                default -> throw new IllegalStateException("bitwise " + b.op() + " on " + t);
            }
            return;
        }
        if (t == ScalarType.I1) {
            Op op = switch (b.op()) {
                case AND -> Op.LogicalAnd;
                case OR -> Op.LogicalOr;
                case XOR -> Op.LogicalNotEqual;
                default -> throw new IllegalStateException(b.op() + " on i1");
            };
            emitTo(r, op, ty, l, rr);
            return;
        }
        switch (b.op()) {
            case ADD -> emitTo(r, Op.IAdd, ty, l, rr);
            case SUB -> emitTo(r, Op.ISub, ty, l, rr);
            case MUL -> emitTo(r, Op.IMul, ty, l, rr);
            case DIV, REM -> divide(r, b.op() == BinaryOperator.DIV, t, l, b.right());
            case AND -> emitTo(r, Op.BitwiseAnd, ty, l, rr);
            case OR -> emitTo(r, Op.BitwiseOr, ty, l, rr);
            case XOR -> emitTo(r, Op.BitwiseXor, ty, l, rr);
            case SHL -> emitTo(r, Op.ShiftLeftLogical, ty, l, shiftCount(b.right(), t));
            case SHR -> emitTo(r, Op.ShiftRightArithmetic, ty, l, shiftCount(b.right(), t));
            case USHR -> emitTo(r, Op.ShiftRightLogical, ty, l, shiftCount(b.right(), t));
        }
    }

    /**
     * Java's MIN_VALUE / -1 is MIN_VALUE (and % -1 is 0); SPIR-V leaves it undefined, and on x86 the division traps.
     * A divisor of -1 is therefore negation, selected around a division by a harmless 1. (Division by zero, an
     * exception in Java, stays undefined here as in the OpenCL C backend.)
     */
    private void divide(int r, boolean quotient, ScalarType t, int l, Value right) {
        int ty = valueType(t);
        int zero = m.constantInt(t.bits(), 0);
        if (right instanceof Constant c) {
            if (c.longValue() == -1) {
                emitTo(r, quotient ? Op.ISub : Op.CopyObject, ty, quotient ? new int[] {zero, l} : new int[] {zero});
            } else {
                emitTo(r, quotient ? Op.SDiv : Op.SRem, ty, l, v(right));
            }
            return;
        }
        int minusOne = m.constantInt(t.bits(), -1);
        int isMinusOne = tmp(Op.IEqual, m.typeBool(), v(right), minusOne);
        int divisor = tmp(Op.Select, ty, isMinusOne, m.constantInt(t.bits(), 1), v(right));
        int divided = tmp(quotient ? Op.SDiv : Op.SRem, ty, l, divisor);
        emitTo(r, Op.Select, ty, isMinusOne, quotient ? tmp(Op.ISub, ty, zero, l) : zero, divided);
    }

    /** Java masks the shift count to the width (SPIR-V leaves larger counts undefined); the count gets the value's width. */
    private int shiftCount(Value count, ScalarType valueType) {
        ScalarType ct = scalar(count);
        int mask = valueType == ScalarType.I64 ? 63 : 31;
        if (count instanceof Constant c) {
            return m.constantInt(valueType.bits(), c.longValue() & mask);
        }
        int masked = tmp(Op.BitwiseAnd, valueType(ct), v(count), m.constantInt(ct.bits(), mask));
        return ct.bits() == valueType.bits() ? masked : tmp(Op.UConvert, valueType(valueType), masked);
    }

    private void unary(Unary u) {
        ScalarType t = scalar(u.result());
        int ty = valueType(t);
        Op op = switch (u.op()) {
            case NEG -> t.isFloat() ? Op.FNegate : Op.SNegate;
            case NOT -> t == ScalarType.I1 ? Op.LogicalNot : Op.Not;
        };
        emitTo(v(u.result()), op, ty, v(u.operand()));
    }

    private void compare(Compare c) {
        ScalarType t = scalar(c.left());
        Op op;
        if (t.isFloat()) {
            boolean u = c.unordered();
            op = switch (c.predicate()) {
                case EQ -> u ? Op.FUnordEqual : Op.FOrdEqual;
                case NE -> u ? Op.FUnordNotEqual : Op.FOrdNotEqual;
                case LT -> u ? Op.FUnordLessThan : Op.FOrdLessThan;
                case LE -> u ? Op.FUnordLessThanEqual : Op.FOrdLessThanEqual;
                case GT -> u ? Op.FUnordGreaterThan : Op.FOrdGreaterThan;
                case GE -> u ? Op.FUnordGreaterThanEqual : Op.FOrdGreaterThanEqual;
            };
        } else if (t == ScalarType.I1) {
            op = switch (c.predicate()) {
                case EQ -> Op.LogicalEqual;
                case NE -> Op.LogicalNotEqual;
                default -> throw new IllegalStateException("ordering comparison of i1 values");
            };
        } else {
            op = switch (c.predicate()) {
                case EQ -> Op.IEqual;
                case NE -> Op.INotEqual;
                case LT -> Op.SLessThan;
                case LE -> Op.SLessThanEqual;
                case GT -> Op.SGreaterThan;
                case GE -> Op.SGreaterThanEqual;
            };
        }
        emitTo(v(c.result()), op, m.typeBool(), v(c.left()), v(c.right()));
    }

    // ---- conversions

    private void convert(Convert c) {
        ScalarType to = scalar(c.result());
        ScalarType from = scalar(c.value());
        int r = v(c.result());
        int x = v(c.value());
        int toType = valueType(to);
        switch (c.kind()) {
            case BITCAST -> {
                if (from == ScalarType.F16) {
                    halfBits(r, x);
                } else if (to == ScalarType.F16) {
                    bitsToHalf(code, r, x);
                } else {
                    emitTo(r, Op.Bitcast, toType, x);
                }
            }
            case ZERO_EXTEND -> {
                if (from == ScalarType.I1) {
                    emitTo(r, Op.Select, toType, x, m.constantInt(to.bits(), 1), m.constantInt(to.bits(), 0));
                } else if (from.bits() == to.bits()) {
                    emitTo(r, Op.CopyObject, toType, x);
                } else {
                    emitTo(r, Op.UConvert, toType, x);
                }
            }
            case NUMERIC -> numeric(r, x, from, to);
        }
    }

    private void numeric(int r, int x, ScalarType from, ScalarType to) {
        int toType = valueType(to);
        if (from == to) {
            emitTo(r, Op.CopyObject, toType, x);
        } else if (to == ScalarType.F16) {
            int single = from == ScalarType.F32
                    ? x
                    : from.isFloat()
                            ? tmp(Op.FConvert, m.typeFloat(32), x)
                            : from == ScalarType.I1
                                    ? tmp(Op.Select, m.typeFloat(32), x, m.constantFloat(1), m.constantFloat(0))
                                    : tmp(Op.ConvertSToF, m.typeFloat(32), x);
            roundToHalf(r, single);
        } else if (from == ScalarType.I1) {
            int one = to.isFloat() ? floatConstant(to, 1) : m.constantInt(to.bits(), 1);
            int zero = to.isFloat() ? floatConstant(to, 0) : m.constantInt(to.bits(), 0);
            emitTo(r, Op.Select, toType, x, one, zero);
        } else if (to == ScalarType.I1) {
            emitTo(
                    r,
                    from.isFloat() ? Op.FUnordNotEqual : Op.INotEqual,
                    toType,
                    x,
                    from.isFloat() ? floatConstant(from, 0) : m.constantInt(from.bits(), 0));
        } else if (from.isInteger() && to.isInteger()) {
            emitTo(r, to.bits() > from.bits() ? Op.SConvert : Op.UConvert, toType, x); // narrowing keeps the low bits
        } else if (from.isInteger()) {
            emitTo(r, Op.ConvertSToF, toType, x);
        } else if (to.isFloat()) {
            boolean sameWidth = (from == ScalarType.F64) == (to == ScalarType.F64); // f16 values are already f32
            emitTo(r, sameWidth ? Op.CopyObject : Op.FConvert, toType, x);
        } else {
            floatToInt(r, x, from, to);
        }
    }

    /** Java's float-to-integer: round toward zero, saturate, NaN gives 0 (plain OpConvertFToS is undefined there). */
    private void floatToInt(int r, int x, ScalarType from, ScalarType to) {
        int wide = to == ScalarType.I64 ? 64 : 32;
        int wideType = m.typeInt(wide);
        int bool = m.typeBool();
        double limit = Math.scalb(1.0, wide - 1);
        int converted = tmp(Op.ConvertFToS, wideType, x);
        int tooBig = tmp(Op.FOrdGreaterThanEqual, bool, x, floatConstant(from, limit));
        int tooSmall = tmp(Op.FOrdLessThanEqual, bool, x, floatConstant(from, -limit));
        int nan = tmp(Op.IsNan, bool, x);
        int high = tmp(
                Op.Select,
                wideType,
                tooBig,
                m.constantInt(wide, wide == 64 ? Long.MAX_VALUE : Integer.MAX_VALUE),
                converted);
        int low = tmp(
                Op.Select,
                wideType,
                tooSmall,
                m.constantInt(wide, wide == 64 ? Long.MIN_VALUE : Integer.MIN_VALUE),
                high);
        if (to.bits() == wide) {
            emitTo(r, Op.Select, wideType, nan, m.constantInt(wide, 0), low);
        } else {
            emitTo(
                    r,
                    Op.UConvert,
                    valueType(to),
                    tmp(Op.Select, wideType, nan, m.constantInt(wide, 0), low)); // then wrap like (byte)(int)x
        }
    }

    /** A Function variable holding one binary16 value, for conversions through vstore_half/vload_half. */
    private int halfScratch() {
        if (halfScratch == 0) {
            halfScratch = m.id();
            emitTo(
                    localVariables,
                    halfScratch,
                    Op.Variable,
                    m.typePointer(Spv.FUNCTION, m.typeFloat(16)),
                    Spv.FUNCTION);
        }
        return halfScratch;
    }

    /** f32 rounded to the nearest binary16 value (ties to even, as Float.floatToFloat16), kept as f32. */
    private void roundToHalf(int r, int single) {
        int zero = m.constantInt(64, 0);
        extTmp(m.typeVoid(), OpenCLStd.vstore_half, single, zero, halfScratch());
        extInst(r, m.typeFloat(32), OpenCLStd.vload_half, zero, halfScratch());
    }

    private void halfBits(int r, int single) {
        extTmp(m.typeVoid(), OpenCLStd.vstore_half, single, m.constantInt(64, 0), halfScratch());
        int bits = tmp(Op.Bitcast, m.typePointer(Spv.FUNCTION, m.typeInt(16)), halfScratch());
        emitTo(r, Op.Load, m.typeInt(16), bits);
    }

    private void bitsToHalf(Words w, int r, int bits) {
        int scratch = halfScratch();
        int asShort = m.id();
        emitTo(w, asShort, Op.Bitcast, m.typePointer(Spv.FUNCTION, m.typeInt(16)), scratch);
        w.instruction(Op.Store, asShort, bits);
        extInst(w, r, m.typeFloat(32), OpenCLStd.vload_half, m.constantInt(64, 0), scratch);
    }

    // ---- math

    private void math(MathOp mo) {
        ScalarType t = scalar(mo.result());
        int ty = valueType(t);
        int r = v(mo.result());
        int[] a = mo.arguments().stream().mapToInt(this::v).toArray();
        if (t.isInteger()) {
            switch (mo.function()) {
                case MIN -> extInst(r, ty, OpenCLStd.s_min, a);
                case MAX -> extInst(r, ty, OpenCLStd.s_max, a);
                case ABS -> extInst(r, ty, OpenCLStd.s_abs, a);
                case CLAMP -> extInst(r, ty, OpenCLStd.s_min, extTmp(ty, OpenCLStd.s_max, a[0], a[1]), a[2]);
                default -> throw new IllegalStateException(mo.function() + " on integers");
            }
            return;
        }
        switch (mo.function()) {
            case MIN -> javaMinMax(r, OpenCLStd.fmin, ty, a[0], a[1]);
            case MAX -> javaMinMax(r, OpenCLStd.fmax, ty, a[0], a[1]);
            case CLAMP -> {
                int lower = m.id();
                javaMinMax(lower, OpenCLStd.fmax, ty, a[0], a[1]);
                javaMinMax(r, OpenCLStd.fmin, ty, lower, a[2]);
            }
            case SIGNUM ->
                emitTo(r, Op.Select, ty, tmp(Op.IsNan, m.typeBool(), a[0]), a[0], extTmp(ty, OpenCLStd.sign, a[0]));
            default ->
                extInst(
                        r,
                        ty,
                        switch (mo.function()) {
                            case EXP -> OpenCLStd.exp;
                            case LOG -> OpenCLStd.log;
                            case LOG2 -> OpenCLStd.log2;
                            case SQRT -> OpenCLStd.sqrt;
                            case RSQRT -> OpenCLStd.rsqrt;
                            case POW -> OpenCLStd.pow;
                            case SIN -> OpenCLStd.sin;
                            case COS -> OpenCLStd.cos;
                            case TAN -> OpenCLStd.tan;
                            case ATAN -> OpenCLStd.atan;
                            case ATAN2 -> OpenCLStd.atan2;
                            case TANH -> OpenCLStd.tanh;
                            case ABS -> OpenCLStd.fabs;
                            case FLOOR -> OpenCLStd.floor;
                            case CEIL -> OpenCLStd.ceil;
                            case FMA -> OpenCLStd.fma;
                            default -> throw new IllegalStateException("math function " + mo.function());
                        },
                        a);
        }
    }

    /** Java's Math.min/max: NaN when either operand is NaN (fmin/fmax return the other operand). */
    private void javaMinMax(int r, OpenCLStd which, int ty, int a, int b) {
        int bool = m.typeBool();
        int anyNaN = tmp(Op.LogicalOr, bool, tmp(Op.IsNan, bool, a), tmp(Op.IsNan, bool, b));
        emitTo(r, Op.Select, ty, anyNaN, tmp(Op.FAdd, ty, a, b), extTmp(ty, which, a, b));
    }

    // ---- memory

    /** The element index as a 64-bit offset (Physical64), sign-extended like C's pointer arithmetic on int. */
    private int index64(Value index) {
        if (index instanceof Constant c) {
            return m.constantInt(64, c.longValue());
        }
        return scalar(index) == ScalarType.I64 ? v(index) : tmp(Op.SConvert, m.typeInt(64), v(index));
    }

    private int elementPointer(Value base, Value index) {
        return tmp(Op.InBoundsPtrAccessChain, pointerType((PointerType) base.type()), v(base), index64(index));
    }

    private void load(Load l) {
        ScalarType el = element(l.base());
        int r = v(l.result());
        if (el == ScalarType.F16) {
            extInst(r, m.typeFloat(32), OpenCLStd.vload_half, index64(l.index()), v(l.base()));
        } else if (el == ScalarType.I1) {
            int b = tmp(Op.Load, m.typeInt(8), elementPointer(l.base(), l.index()), Spv.MEMORY_ACCESS_ALIGNED, 1);
            emitTo(r, Op.INotEqual, m.typeBool(), b, m.constantInt(8, 0));
        } else {
            emitTo(
                    r,
                    Op.Load,
                    valueType(el),
                    elementPointer(l.base(), l.index()),
                    Spv.MEMORY_ACCESS_ALIGNED,
                    el.bytes());
        }
    }

    /** The byte's address, bitcast to a pointer to the wide type in the same storage class, loaded with its alignment. */
    private void loadBytes(LoadBytes l) {
        PointerType p = (PointerType) l.base().type();
        int wide = tmp(
                Op.Bitcast,
                m.typePointer(storage(p.space()), valueType(l.type())),
                elementPointer(l.base(), l.byteOffset()));
        emitTo(
                v(l.result()),
                Op.Load,
                valueType(l.type()),
                wide,
                Spv.MEMORY_ACCESS_ALIGNED,
                l.type().bytes());
    }

    private void store(Store s) {
        ScalarType el = element(s.base());
        if (el == ScalarType.F16) {
            extTmp(m.typeVoid(), OpenCLStd.vstore_half, v(s.value()), index64(s.index()), v(s.base()));
            return;
        }
        int value = el == ScalarType.I1
                ? tmp(Op.Select, m.typeInt(8), v(s.value()), m.constantInt(8, 1), m.constantInt(8, 0))
                : v(s.value());
        code.instruction(Op.Store, elementPointer(s.base(), s.index()), value, Spv.MEMORY_ACCESS_ALIGNED, el.bytes());
    }

    /** A Workgroup array at module scope; the IR's pointer is its first element (halves stored as their bits). */
    private void localArray(LocalArray a) {
        if (((PointerType) a.result().type()).space() == AddressSpace.PRIVATE) {
            privateArray(a);
            return;
        }
        ScalarType el = a.elementType();
        int stored = el == ScalarType.F16 ? m.typeInt(16) : memoryType(el);
        int array = m.typeArray(stored, a.length());
        int variable = m.id();
        emitTo(m.globals, variable, Op.Variable, m.typePointer(Spv.WORKGROUP, array), Spv.WORKGROUP);
        m.name(variable, "local_" + a.result().id());
        int first = el == ScalarType.F16 ? m.id() : v(a.result());
        emitTo(first, Op.InBoundsAccessChain, m.typePointer(Spv.WORKGROUP, stored), variable, m.constantInt(32, 0));
        if (el == ScalarType.F16) {
            emitTo(
                    v(a.result()),
                    Op.Bitcast,
                    pointerType((PointerType) a.result().type()),
                    first);
        }
    }

    /** A Function-storage array among the function's variables (the entry block); the IR's pointer is its first element. */
    private void privateArray(LocalArray a) {
        ScalarType el = a.elementType();
        int stored = el == ScalarType.F16 ? m.typeInt(16) : memoryType(el);
        int variable = m.id();
        emitTo(
                localVariables,
                variable,
                Op.Variable,
                m.typePointer(Spv.FUNCTION, m.typeArray(stored, a.length())),
                Spv.FUNCTION);
        int first = el == ScalarType.F16 ? m.id() : v(a.result());
        emitTo(first, Op.InBoundsAccessChain, m.typePointer(Spv.FUNCTION, stored), variable, m.constantInt(32, 0));
        if (el == ScalarType.F16) {
            emitTo(
                    v(a.result()),
                    Op.Bitcast,
                    pointerType((PointerType) a.result().type()),
                    first);
        }
    }

    private int builtin(int which, String name, boolean vector) {
        return builtins.computeIfAbsent(name, n -> {
            int type = vector ? m.typeVector(m.typeInt(64), 3) : m.typeInt(32);
            int var = m.id();
            emitTo(m.globals, var, Op.Variable, m.typePointer(Spv.INPUT, type), Spv.INPUT);
            m.decorate(var, Spv.DECORATION_BUILTIN, which);
            m.decorate(var, Spv.DECORATION_CONSTANT);
            m.name(var, "__spirv_BuiltIn" + n);
            return var;
        });
    }

    private void workItem(WorkItem w) {
        int var = switch (w.query()) {
            case GLOBAL_ID -> builtin(Spv.GLOBAL_INVOCATION_ID, "GlobalInvocationId", true);
            case LOCAL_ID -> builtin(Spv.LOCAL_INVOCATION_ID, "LocalInvocationId", true);
            case GROUP_ID -> builtin(Spv.WORKGROUP_ID, "WorkgroupId", true);
            case GLOBAL_SIZE -> builtin(Spv.GLOBAL_SIZE, "GlobalSize", true);
            case LOCAL_SIZE -> builtin(Spv.WORKGROUP_SIZE, "WorkgroupSize", true);
            case NUM_GROUPS -> builtin(Spv.NUM_WORKGROUPS, "NumWorkgroups", true);
        };
        int vec = tmp(Op.Load, m.typeVector(m.typeInt(64), 3), var, Spv.MEMORY_ACCESS_ALIGNED, 32);
        int component = tmp(Op.CompositeExtract, m.typeInt(64), vec, w.dimension());
        emitTo(v(w.result()), Op.UConvert, m.typeInt(32), component);
    }

    // ---- atomics

    private void atomic(AtomicRMW a) {
        ScalarType el = element(a.base());
        boolean global = a.space() == AddressSpace.GLOBAL;
        int scope = m.constantInt(32, global ? Spv.SCOPE_DEVICE : Spv.SCOPE_WORKGROUP);
        int relaxed = m.constantInt(32, 0); // OpenCL 1.2 atomic_* functions: no ordering beyond the operation itself
        int r = a.result() != null ? v(a.result()) : m.id();
        if (el == ScalarType.I8 || el == ScalarType.I16 || el == ScalarType.I1 || el == ScalarType.F16) {
            throw new IllegalArgumentException(
                    kernel.javaName() + ": atomics on " + el + " are not supported by OpenCL");
        }
        if (el.bits() == 64) {
            m.capability(Spv.CAP_INT64_ATOMICS);
        }
        int pointer = elementPointer(a.base(), a.index());
        if (el.isInteger() && a.op() != AtomicOperator.MUL) {
            Op op = switch (a.op()) {
                case ADD -> Op.AtomicIAdd;
                case MIN -> Op.AtomicSMin;
                case MAX -> Op.AtomicSMax;
                case EXCHANGE -> Op.AtomicExchange;
                case MUL -> throw new IllegalStateException("by compare-and-swap below");
            };
            emitTo(r, op, valueType(el), pointer, scope, relaxed, v(a.value()));
            return;
        }
        int floatType = valueType(el);
        int bitsType = m.typeInt(el.bits());
        int bitsPointer =
                el.isInteger() ? pointer : tmp(Op.Bitcast, m.typePointer(storage(a.space()), bitsType), pointer);
        if (a.op() == AtomicOperator.EXCHANGE) {
            int old = tmp(
                    Op.AtomicExchange, bitsType, bitsPointer, scope, relaxed, tmp(Op.Bitcast, bitsType, v(a.value())));
            emitTo(r, Op.Bitcast, floatType, old);
            return;
        }
        // Compare-and-swap on the bits until no other work-item changed the value between our read and our swap.
        int initial = tmp(Op.Load, bitsType, bitsPointer, Spv.MEMORY_ACCESS_ALIGNED, el.bytes());
        int before = currentLabel;
        int loop = m.id();
        int done = m.id();
        int expected = m.id();
        int actual = m.id();
        code.instruction(Op.Branch, loop);
        label(loop);
        emitTo(expected, Op.Phi, bitsType, initial, before, actual, loop);
        int oldValue = el.isInteger() ? expected : tmp(Op.Bitcast, floatType, expected);
        int newValue = m.id();
        switch (a.op()) {
            case MUL -> emitTo(newValue, el.isInteger() ? Op.IMul : Op.FMul, floatType, oldValue, v(a.value()));
            case ADD -> emitTo(newValue, Op.FAdd, floatType, oldValue, v(a.value()));
            case MIN -> javaMinMax(newValue, OpenCLStd.fmin, floatType, oldValue, v(a.value()));
            default -> javaMinMax(newValue, OpenCLStd.fmax, floatType, oldValue, v(a.value()));
        }
        emitTo(
                actual,
                Op.AtomicCompareExchange,
                bitsType,
                bitsPointer,
                scope,
                relaxed,
                relaxed,
                el.isInteger() ? newValue : tmp(Op.Bitcast, bitsType, newValue),
                expected);
        code.instruction(Op.BranchConditional, tmp(Op.IEqual, m.typeBool(), actual, expected), done, loop);
        label(done);
        if (el.isInteger()) {
            emitTo(r, Op.CopyObject, floatType, expected);
        } else {
            emitTo(r, Op.Bitcast, floatType, expected);
        }
    }

    // ---- sub-groups

    private void subGroup(SubGroupOp s) {
        if (Instruction.warpCollectiveMethod(s) != null) {
            throw warpCollective(s);
        }
        int r = v(s.result());
        ScalarType t = scalar(s.result());
        int ty = valueType(t);
        if (!caps.subGroups()) { // sub-groups of one work-item, as the OpenCL C emitter (see there)
            int same = switch (s.operation()) {
                case LOCAL_ID -> m.constantInt(32, 0);
                case SIZE -> m.constantInt(32, 1);
                default -> v(s.arguments().get(0));
            };
            emitTo(r, Op.CopyObject, ty, same);
            return;
        }
        int scope = m.constantInt(32, Spv.SCOPE_SUBGROUP);
        List<Value> args = s.arguments();
        switch (s.operation()) {
            case LOCAL_ID ->
                emitTo(r, Op.Load, ty, builtin(Spv.SUBGROUP_LOCAL_INVOCATION_ID, "SubgroupLocalInvocationId", false));
            case SIZE -> emitTo(r, Op.Load, ty, builtin(Spv.SUBGROUP_SIZE, "SubgroupSize", false));
            case REDUCE_ADD, REDUCE_MIN, REDUCE_MAX -> {
                m.capability(Spv.CAP_GROUPS);
                Op op = switch (s.operation()) {
                    case REDUCE_ADD -> t.isFloat() ? Op.GroupFAdd : Op.GroupIAdd;
                    case REDUCE_MIN -> t.isFloat() ? Op.GroupFMin : Op.GroupSMin;
                    default -> t.isFloat() ? Op.GroupFMax : Op.GroupSMax;
                };
                emitTo(r, op, ty, scope, Spv.GROUP_OPERATION_REDUCE, v(args.get(0)));
            }
            case BROADCAST -> {
                m.capability(Spv.CAP_GROUPS);
                emitTo(r, Op.GroupBroadcast, ty, scope, v(args.get(0)), v(args.get(1)));
            }
            case SHUFFLE, SHUFFLE_XOR -> {
                m.capability(Spv.CAP_GROUP_NON_UNIFORM);
                m.capability(Spv.CAP_GROUP_NON_UNIFORM_SHUFFLE);
                m.requireVersion(Spv.VERSION_1_3);
                emitTo(
                        r,
                        s.operation() == SubGroupOperation.SHUFFLE
                                ? Op.GroupNonUniformShuffle
                                : Op.GroupNonUniformShuffleXor,
                        ty,
                        scope,
                        v(args.get(0)),
                        v(args.get(1)));
            }
        }
    }
}
