package io.squall.backend.opencl.codegen;

import io.squall.jit.CompileOptions;
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
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.LoadBytes;
import io.squall.jit.ir.Instruction.LocalArray;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.MatrixMultiplyAccumulate;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.Select;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.SubGroupOp;
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

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * IR to OpenCL C: one statement per instruction, phis as variables assigned on each incoming edge. A reducible CFG is
 * written as structured code ({@code for (;;)} loops with {@code break}/{@code continue}, if/else, and goto only for
 * jumps C cannot express otherwise), which PoCL's and other LLVM-based compilers vectorize; an irreducible one as
 * labelled blocks and goto (legal in OpenCL C). Integer arithmetic goes through unsigned types so it wraps as in Java
 * (signed overflow is undefined in C). Precise built-ins only; fast math is a build option, and with it a float
 * multiply used only by an add or subtract of the same block is written into that expression ({@code c + a * b}), which
 * the OpenCL compiler may contract to a fused multiply-add (FP_CONTRACT is on by default; off in precise kernels).
 * Separate statements are never contracted, and PoCL's loop vectorizer turns only such an expression (llvm.fmuladd),
 * not {@code fma()} or {@code mad()}, into vector FMAs inside a reduction: the Q8_0 prefill tile (8192x2048 x 16) then
 * takes ~15% less CPU time (vfmadd on ymm instead of vmulps + vaddps).
 */
public final class OpenCLEmitter {
    private final Kernel kernel;
    private final Function f;
    private final DeviceCapabilities caps;
    private final OpenCLHelpers helpers = new OpenCLHelpers();
    private StringBuilder body = new StringBuilder();
    private boolean usesDouble;
    private boolean usesLongAtomics;
    private boolean usesSubGroups;
    /** Under fast math: multiplies written into their only user, an add or subtract of the same block. */
    private final java.util.Map<Temp, Binary> contracted = new java.util.HashMap<>();

    private OpenCLEmitter(Kernel kernel, DeviceCapabilities caps) {
        this.kernel = kernel;
        this.f = kernel.ir();
        this.caps = caps;
    }

    /** OpenCL C source with one {@code __kernel} entry point named {@code kernel.entryName()}. */
    public static String emit(Kernel kernel, DeviceCapabilities caps) {
        return new OpenCLEmitter(kernel, caps).emit();
    }

    /** clBuildProgram options: precise math by default; relaxed math only when fastMath was asked for. */
    public static String buildOptions(CompileOptions options) {
        return options.fastMath() ? "-cl-fast-relaxed-math -cl-mad-enable" : "";
    }

    private String emit() {
        List<String> params = new ArrayList<>();
        for (Parameter p : f.parameters()) {
            parameterNames.put(p.value(), p.name());
            note(p.value().type());
            params.add(OpenCLTypes.of(p.value().type()) + " " + name(p.value()));
        }
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                p.incoming().forEach(in -> used(in.value()));
            }
            b.instructions().forEach(i -> i.operands().forEach(this::used));
            b.terminator().mapOperands(v -> {
                used(v);
                return v;
            });
        }
        if (kernel.options().fastMath()) {
            findContractableMultiplies();
        }
        StringBuilder decls = new StringBuilder();
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                declare(decls, p.result());
            }
            for (Instruction i : b.instructions()) {
                if (i instanceof LocalArray a) {
                    boolean isPrivate = ((PointerType) a.result().type()).space() == AddressSpace.PRIVATE;
                    String space = isPrivate ? "    " : "    __local ";
                    if (a.elementType() == ScalarType.F16) {
                        // half arrays cannot be declared without cl_khr_fp16: ushort storage, read and written
                        // through a half pointer with vload_half/vstore_half
                        String bits = name(a.result()) + "_bits";
                        decls.append(space)
                                .append("ushort ")
                                .append(bits)
                                .append('[')
                                .append(a.length())
                                .append("];\n");
                        decls.append(space)
                                .append("half *")
                                .append(name(a.result()))
                                .append(" = (")
                                .append(space.trim())
                                .append(space.isBlank() ? "" : " ")
                                .append("half *)")
                                .append(bits)
                                .append(";\n");
                    } else {
                        decls.append(space)
                                .append(OpenCLTypes.scalar(a.elementType()))
                                .append(' ')
                                .append(name(a.result()))
                                .append('[')
                                .append(a.length())
                                .append("];\n");
                    }
                    note(a.elementType());
                } else if (i.result() != null && (!(i instanceof AtomicRMW) || usedTemps.contains(i.result()))) {
                    declare(decls, i.result());
                }
            }
        }
        ControlFlow cfg = new ControlFlow(f);
        if (cfg.reducible()) {
            structured(cfg);
        } else {
            for (Block b : f.blocks()) {
                body.append(b.label()).append(": ;\n");
                for (Instruction i : b.instructions()) {
                    instruction(i);
                }
                terminator(b);
            }
        }
        if (usesDouble && !caps.fp64()) {
            throw new IllegalArgumentException(
                    kernel.javaName() + " uses double precision, which this device does not support (no cl_khr_fp64)");
        }
        StringBuilder out = new StringBuilder("// Generated by Squall from ")
                .append(kernel.javaName())
                .append('\n');
        if (!kernel.options().fastMath()) {
            out.append("#pragma OPENCL FP_CONTRACT OFF\n"); // Java rounds every operation: no fused multiply-add unless
            // asked
        }
        if (usesDouble) {
            out.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
        }
        if (usesLongAtomics) {
            out.append("#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable\n");
            out.append("#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable\n");
        }
        if (usesSubGroups) {
            out.append("#pragma OPENCL EXTENSION cl_khr_subgroups : enable\n");
        }
        out.append(helpers.text());
        int[] wg = kernel.requiredLocalSize();
        out.append("__kernel ");
        if (wg != null) {
            int threads = java.util.Arrays.stream(wg).reduce(1, (x, y) -> x * y);
            if (threads > caps.maxWorkGroupSize()) {
                throw new IllegalArgumentException(kernel.javaName() + " needs work-groups of " + threads
                        + " work-items (its @Reduce code), but the device allows at most " + caps.maxWorkGroupSize());
            }
            out.append("__attribute__((reqd_work_group_size(")
                    .append(wg[0])
                    .append(", ")
                    .append(wg.length > 1 ? wg[1] : 1)
                    .append(", ")
                    .append(wg.length > 2 ? wg[2] : 1)
                    .append(")))\n");
        }
        out.append("void ")
                .append(f.name())
                .append('(')
                .append(String.join(", ", params))
                .append(") {\n");
        out.append(decls).append(body).append("}\n");
        return out.toString();
    }

    /**
     * Float multiplies whose only use is an add or subtract later in the same block: inside a block no temp is
     * reassigned (phis are assigned on the edges), so the product may be computed where the add is.
     */
    private void findContractableMultiplies() {
        java.util.Map<Temp, Integer> uses = new java.util.HashMap<>();
        java.util.function.Consumer<Value> count = v -> {
            if (v instanceof Temp t) {
                uses.merge(t, 1, Integer::sum);
            }
        };
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                p.incoming().forEach(in -> count.accept(in.value()));
            }
            b.instructions().forEach(i -> i.operands().forEach(count));
            b.terminator().mapOperands(v -> {
                count.accept(v);
                return v;
            });
        }
        for (Block b : f.blocks()) {
            java.util.Map<Temp, Binary> products = new java.util.HashMap<>();
            for (Instruction i : b.instructions()) {
                if (!(i instanceof Binary bin)
                        || !(bin.result().type() instanceof VectorType
                                || (bin.result().type() instanceof ScalarType t && t.isFloat()))) {
                    continue;
                }
                if (bin.op() == Instruction.BinaryOperator.MUL && uses.getOrDefault(bin.result(), 0) == 1) {
                    products.put(bin.result(), bin);
                } else if (bin.op() == Instruction.BinaryOperator.ADD || bin.op() == Instruction.BinaryOperator.SUB) {
                    for (Value operand : bin.operands()) {
                        if (operand instanceof Temp p && products.containsKey(p)) {
                            contracted.put(p, products.get(p));
                        }
                    }
                }
            }
        }
    }

    private void declare(StringBuilder decls, Temp t) {
        note(t.type());
        decls.append("    ")
                .append(OpenCLTypes.of(t.type()))
                .append(' ')
                .append(name(t))
                .append(";\n");
    }

    private void note(Type t) {
        if (t == ScalarType.F64 || t instanceof PointerType p && p.element() == ScalarType.F64) {
            usesDouble = true;
        }
    }

    private final java.util.Map<Temp, String> parameterNames = new java.util.HashMap<>();
    private final java.util.Set<Temp> usedTemps = new java.util.HashSet<>();

    private void used(Value v) {
        if (v instanceof Temp t) {
            usedTemps.add(t);
        }
    }

    /** Parameters keep their readable names (arg0, arg0_length); other temps are v<id>. */
    private String name(Temp t) {
        String p = parameterNames.get(t);
        return p != null ? p : "v" + t.id();
    }

    private String v(Value v) {
        return switch (v) {
            case Temp t -> name(t);
            case Constant c -> {
                if (c.type() == ScalarType.F64) {
                    usesDouble = true;
                }
                yield OpenCLTypes.constant(c);
            }
        };
    }

    private int depth = 1;

    private void line(String s) {
        body.append("    ".repeat(depth)).append(s).append('\n');
    }

    private void assign(Temp t, String expr) {
        line(name(t) + " = " + expr + ";");
    }

    private void instruction(Instruction i) {
        switch (i) {
            case Binary b -> {
                if (!contracted.containsKey(b.result())) {
                    assign(b.result(), binary(b));
                }
            }
            case Unary u -> assign(u.result(), unary(u));
            case Compare c -> assign(c.result(), compare(c));
            case Select s ->
                assign(s.result(), "(" + v(s.condition()) + " ? " + v(s.ifTrue()) + " : " + v(s.ifFalse()) + ")");
            case Convert c -> assign(c.result(), convert(c));
            case MathOp m -> assign(m.result(), math(m));
            case Load l ->
                assign(
                        l.result(),
                        element(l.base()) == ScalarType.F16
                                ? "vload_half(" + v(l.index()) + ", " + v(l.base()) + ")"
                                : v(l.base()) + "[" + v(l.index()) + "]");
            case LoadBytes l ->
                assign(
                        l.result(),
                        "*(" + OpenCLTypes.space(((PointerType) l.base().type()).space()) + "const "
                                + OpenCLTypes.scalar(l.type()) + "*)(" + v(l.base()) + " + " + v(l.byteOffset()) + ")");
            case Store s ->
                line(
                        element(s.base()) == ScalarType.F16
                                ? "vstore_half(" + v(s.value()) + ", " + v(s.index()) + ", " + v(s.base()) + ");"
                                : v(s.base()) + "[" + v(s.index()) + "] = " + v(s.value()) + ";");
            case LocalArray a -> {
                // declared at function scope
            }
            case WorkItem w ->
                assign(
                        w.result(),
                        "(int)"
                                + switch (w.query()) {
                                    case GLOBAL_ID -> "get_global_id";
                                    case LOCAL_ID -> "get_local_id";
                                    case GROUP_ID -> "get_group_id";
                                    case GLOBAL_SIZE -> "get_global_size";
                                    case LOCAL_SIZE -> "get_local_size";
                                    case NUM_GROUPS -> "get_num_groups";
                                }
                                + "(" + w.dimension() + ")");
            case Barrier b ->
                line(
                        b.scope() == BarrierScope.LOCAL
                                ? "barrier(CLK_LOCAL_MEM_FENCE);"
                                : "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);");
            case AtomicRMW a -> {
                if (usedTemps.contains(a.result())) {
                    assign(a.result(), atomic(a));
                } else {
                    line(atomic(a) + ";");
                }
            }
            case SubGroupOp s -> assign(s.result(), subGroup(s));
            case MatrixMultiplyAccumulate m -> throw warpCollective(m);
            case VectorBroadcast b -> assign(b.result(), "(" + OpenCLTypes.of(b.type()) + ")(" + v(b.scalar()) + ")");
            case VectorLoad l -> assign(l.result(), vectorLoad(l));
            case VectorSum sum -> line(vectorSum(sum));
            case VectorExtract e -> assign(e.result(), v(e.vector()) + ".s" + Integer.toHexString(e.lane()));
        }
    }

    /**
     * One vloadN: explicit vector types are what PoCL keeps at the full vector width (its auto-vectorized loops of
     * scalar code stay at 256 bits on AVX-512 CPUs), so the row products' loads are written this way.
     */
    private String vectorLoad(VectorLoad l) {
        int n = l.type().lanes();
        String space = OpenCLTypes.space(((PointerType) l.base().type()).space());
        String at = v(l.base()) + " + " + v(l.index());
        String vector = "float" + n;
        return switch (l.kind()) {
            case ELEMENTS -> "vload" + n + "(0, " + at + ")";
            case SIGNED_BYTES -> "convert_" + vector + "(vload" + n + "(0, " + at + "))";
            case LOW_NIBBLES ->
                "convert_" + vector + "(vload" + n + "(0, (" + space + "const uchar*)(" + at + ")) & (uchar)15)";
            case HIGH_NIBBLES ->
                "convert_" + vector + "(vload" + n + "(0, (" + space + "const uchar*)(" + at + ")) >> (uchar)4)";
        };
    }

    /** The halves added lane-wise down to one lane (VectorSum's order), in block-scoped temporaries. */
    private String vectorSum(VectorSum sum) {
        StringBuilder sb = new StringBuilder("{ ");
        String current = v(sum.vector());
        int n = ((VectorType) sum.vector().type()).lanes();
        for (int width = n / 2, level = 0; width >= 1; width /= 2, level++) {
            String next = width == 1 ? name(sum.result()) : "h" + level;
            sb.append(width == 1 ? "" : "float" + width + " ")
                    .append(next)
                    .append(" = ")
                    .append(current)
                    .append(".lo + ")
                    .append(current)
                    .append(".hi; ");
            current = next;
        }
        return sb.append('}').toString();
    }

    /** TornadoVM's simd* and mma*: warps of exactly 32 lanes, which OpenCL's sub-groups do not promise. */
    private IllegalArgumentException warpCollective(Instruction i) {
        String method = Instruction.warpCollectiveMethod(i);
        return new IllegalArgumentException(kernel.javaName() + ": KernelContext." + method
                + (f.location(i) == null ? "" : " (" + f.location(i) + ")")
                + " is a collective over a warp of 32 work-items that only the PTX code generator lowers;"
                + " run the kernel on a ptx device or the JVM backend (TornadoVM runs it on PTX only too)");
    }

    private static ScalarType element(Value pointer) {
        return ((PointerType) pointer.type()).element();
    }

    private String binary(Binary b) {
        String l = operand(b.left());
        String r = operand(b.right());
        if (!(b.result().type() instanceof ScalarType t) || t.isFloat()) { // a vector: lane-wise float arithmetic
            return switch (b.op()) {
                case ADD -> "(" + l + " + " + r + ")";
                case SUB -> "(" + l + " - " + r + ")";
                case MUL -> "(" + l + " * " + r + ")";
                case DIV -> "(" + l + " / " + r + ")";
                case REM -> "fmod(" + l + ", " + r + ")";
                default ->
                    throw new IllegalStateException(
                            "bitwise " + b.op() + " on " + b.result().type());
            };
        }
        String ct = OpenCLTypes.scalar(t);
        String ut = OpenCLTypes.unsigned(t);
        String mask = t == ScalarType.I64 ? "63" : "31";
        return switch (b.op()) {
            case ADD -> "(" + ct + ")((" + ut + ")" + l + " + (" + ut + ")" + r + ")";
            case SUB -> "(" + ct + ")((" + ut + ")" + l + " - (" + ut + ")" + r + ")";
            case MUL -> "(" + ct + ")((" + ut + ")" + l + " * (" + ut + ")" + r + ")";
            case DIV -> "(" + l + " / " + r + ")";
            case REM -> "(" + l + " % " + r + ")";
            case AND -> "(" + l + " & " + r + ")";
            case OR -> "(" + l + " | " + r + ")";
            case XOR -> "(" + l + " ^ " + r + ")";
            case SHL -> "(" + ct + ")((" + ut + ")" + l + " << (" + r + " & " + mask + "))";
            case SHR -> "(" + l + " >> (" + r + " & " + mask + "))";
            case USHR -> "(" + ct + ")((" + ut + ")" + l + " >> (" + r + " & " + mask + "))";
        };
    }

    /** A value, or a contracted multiply's expression in its place. */
    private String operand(Value value) {
        if (value instanceof Temp t && contracted.get(t) instanceof Binary product) {
            return binary(product);
        }
        return v(value);
    }

    private String unary(Unary u) {
        ScalarType t = (ScalarType) u.result().type();
        String x = v(u.operand());
        return switch (u.op()) {
            case NEG ->
                t.isFloat()
                        ? "(-" + x + ")"
                        : "(" + OpenCLTypes.scalar(t) + ")(0 - (" + OpenCLTypes.unsigned(t) + ")" + x + ")";
            case NOT -> "(~" + x + ")";
        };
    }

    private String compare(Compare c) {
        String l = v(c.left());
        String r = v(c.right());
        String op = switch (c.predicate()) {
            case EQ -> "==";
            case NE -> "!=";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
        };
        if (!((ScalarType) c.left().type()).isFloat()) {
            return "(" + l + " " + op + " " + r + ")";
        }
        // C comparisons are ordered (false on NaN) except !=, which is unordered.
        if (!c.unordered()) {
            return c.predicate() == Predicate.NE
                    ? "(" + l + " < " + r + " || " + l + " > " + r + ")"
                    : "(" + l + " " + op + " " + r + ")";
        }
        return switch (c.predicate()) {
            case EQ -> "!(" + l + " < " + r + " || " + l + " > " + r + ")";
            case NE -> "(" + l + " != " + r + ")";
            case LT -> "!(" + l + " >= " + r + ")";
            case LE -> "!(" + l + " > " + r + ")";
            case GT -> "!(" + l + " <= " + r + ")";
            case GE -> "!(" + l + " < " + r + ")";
        };
    }

    private String convert(Convert c) {
        ScalarType to = (ScalarType) c.result().type();
        ScalarType from = (ScalarType) c.value().type();
        String x = v(c.value());
        switch (c.kind()) {
            case ZERO_EXTEND -> {
                return "(" + OpenCLTypes.scalar(to) + ")(" + OpenCLTypes.unsigned(from) + ")" + x;
            }
            case BITCAST -> {
                if (from == ScalarType.F16) {
                    return helpers.halfBits() + "(" + x + ")";
                }
                if (to == ScalarType.F16) {
                    return helpers.bitsToHalf() + "(" + x + ")";
                }
                return "as_" + OpenCLTypes.scalar(to) + "(" + x + ")";
            }
            default -> {
                if (to == ScalarType.F16) {
                    return helpers.roundToHalf() + "((float)" + x + ")";
                }
                if (from.isFloat() && to.isInteger()) {
                    String intType = to == ScalarType.I64 ? "long" : "int";
                    String call = helpers.floatToInt(intType, OpenCLTypes.scalar(from)) + "(" + x + ")";
                    return to.bits() < 32 ? "(" + OpenCLTypes.scalar(to) + ")" + call : call;
                }
                return "(" + OpenCLTypes.scalar(to) + ")" + x;
            }
        }
    }

    private String math(MathOp m) {
        List<String> a = m.arguments().stream().map(this::v).toList();
        String args = String.join(", ", a);
        if (m.result().type() instanceof VectorType) { // only FMA (IrVerifier), lane-wise
            return "fma(" + args + ")";
        }
        ScalarType t = (ScalarType) m.result().type();
        String ct = OpenCLTypes.scalar(t);
        if (t.isInteger()) {
            return switch (m.function()) {
                case MIN -> "min(" + args + ")";
                case MAX -> "max(" + args + ")";
                case ABS -> "(" + ct + ")abs(" + args + ")";
                case CLAMP -> "min(max(" + a.get(0) + ", " + a.get(1) + "), " + a.get(2) + ")";
                default -> throw new IllegalStateException(m.function() + " on integers");
            };
        }
        return switch (m.function()) {
            case MIN -> helpers.minMax("min", ct) + "(" + args + ")";
            case MAX -> helpers.minMax("max", ct) + "(" + args + ")";
            case CLAMP ->
                helpers.minMax("min", ct) + "(" + helpers.minMax("max", ct) + "(" + a.get(0) + ", " + a.get(1) + "), "
                        + a.get(2) + ")";
            case ABS -> "fabs(" + args + ")";
            case SIGNUM -> "(isnan(" + args + ") ? " + args + " : sign(" + args + "))";
            default -> m.function().name().toLowerCase() + "(" + args + ")";
        };
    }

    private String atomic(AtomicRMW a) {
        ScalarType t = element(a.base());
        String space = OpenCLTypes.space(a.space());
        String ptr = "&" + v(a.base()) + "[" + v(a.index()) + "]";
        String val = v(a.value());
        String op = a.op().name().toLowerCase();
        if (a.op() == AtomicOperator.MUL && t.isInteger()) {
            if (t != ScalarType.I32 && t != ScalarType.I64) {
                throw new IllegalArgumentException(
                        kernel.javaName() + ": atomics on " + t + " are not supported by OpenCL");
            }
            usesLongAtomics |= t == ScalarType.I64;
            return helpers.intAtomicMul(OpenCLTypes.scalar(t), space) + "(" + ptr + ", " + val + ")";
        }
        if (t.isFloat()) {
            if (a.op() == AtomicOperator.EXCHANGE && t == ScalarType.F32) {
                return "atomic_xchg(" + ptr + ", " + val + ")";
            }
            return helpers.floatAtomic(a.op() == AtomicOperator.EXCHANGE ? "xchg" : op, OpenCLTypes.scalar(t), space)
                    + "(" + ptr + ", " + val + ")";
        }
        if (t == ScalarType.I64) {
            usesLongAtomics = true;
            return "atom_" + (a.op() == AtomicOperator.EXCHANGE ? "xchg" : op) + "(" + ptr + ", " + val + ")";
        }
        if (t != ScalarType.I32) {
            throw new IllegalArgumentException(
                    kernel.javaName() + ": atomics on " + t + " are not supported by OpenCL");
        }
        return "atomic_" + (a.op() == AtomicOperator.EXCHANGE ? "xchg" : op) + "(" + ptr + ", " + val + ")";
    }

    private String subGroup(SubGroupOp s) {
        if (Instruction.warpCollectiveMethod(s) != null) {
            throw warpCollective(s);
        }
        List<String> a = s.arguments().stream().map(this::v).toList();
        if (!caps.subGroups()) {
            // No cl_khr_subgroups: every work-item is a sub-group of one (a size OpenCL allows), so a kernel written
            // against getSubGroupSize() runs unchanged, its exchanges being identities.
            return switch (s.operation()) {
                case LOCAL_ID -> "0";
                case SIZE -> "1";
                case REDUCE_ADD, REDUCE_MIN, REDUCE_MAX, BROADCAST, SHUFFLE, SHUFFLE_XOR -> a.get(0);
                case WARP_SUM, WARP_SHUFFLE_DOWN, WARP_BROADCAST_FIRST -> throw warpCollective(s);
            };
        }
        usesSubGroups = true;
        return switch (s.operation()) {
            case LOCAL_ID -> "(int)get_sub_group_local_id()";
            case SIZE -> "(int)get_sub_group_size()";
            case REDUCE_ADD -> "sub_group_reduce_add(" + a.get(0) + ")";
            case REDUCE_MIN -> "sub_group_reduce_min(" + a.get(0) + ")";
            case REDUCE_MAX -> "sub_group_reduce_max(" + a.get(0) + ")";
            case BROADCAST -> "sub_group_broadcast(" + a.get(0) + ", (uint)" + a.get(1) + ")";
            case SHUFFLE -> "sub_group_shuffle(" + a.get(0) + ", (uint)" + a.get(1) + ")";
            case SHUFFLE_XOR -> "sub_group_shuffle_xor(" + a.get(0) + ", (uint)" + a.get(1) + ")";
            case WARP_SUM, WARP_SHUFFLE_DOWN, WARP_BROADCAST_FIRST -> throw warpCollective(s);
        };
    }

    // ---- Structured control flow (Ramsey's dominator-tree translation, mapped onto C's loops) ----

    private static final char LABEL_MARK = '\u0001';
    private ControlFlow cfg;
    /** Enclosing C loops, innermost first: {header, block reached by break}. */
    private final java.util.Deque<Block[]> loops = new java.util.ArrayDeque<>();

    private final java.util.Set<Block> gotoTargets =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final java.util.Set<Block> loopExits =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private void structured(ControlFlow cfg) {
        this.cfg = cfg;
        for (Block b : cfg.reversePostorder()) {
            if (cfg.isLoopHeader(b)) {
                cfg.dominated(b).stream()
                        .filter(c -> !cfg.loop(b).contains(c) && !exitEdge(c))
                        .forEach(loopExits::add);
            }
        }
        node(f.entry(), null);
        // Keep the labels some goto jumps to; drop the others.
        StringBuilder out = new StringBuilder();
        for (String l : body.toString().split("\n", -1)) {
            int mark = l.indexOf(LABEL_MARK);
            if (mark < 0) {
                out.append(l).append('\n');
            } else {
                int id = Integer.parseInt(l.substring(mark + 1));
                if (gotoTargets.stream().anyMatch(b -> b.id() == id)) {
                    out.append(l, 0, mark).append('b').append(id).append(": ;\n");
                }
            }
        }
        body.setLength(0);
        body.append(out, 0, out.length() - 1);
    }

    /**
     * A block on a single loop-exit edge that dominates nothing and ends in a jump or return (javac's {@code result = -1}
     * before the merge after a search loop): written inline at the exit, so the loop's {@code break} can reach the merge.
     */
    private boolean exitEdge(Block b) {
        return !cfg.isMerge(b)
                && !cfg.isLoopHeader(b)
                && cfg.dominated(b).isEmpty()
                && !(b.terminator() instanceof Terminator.Branch);
    }

    /** Written after the code that jumps to it: a merge block, or a block its loop header dominates outside the loop. */
    private boolean isFollower(Block b) {
        return cfg.isMerge(b) || loopExits.contains(b);
    }

    private void label(Block b) {
        line(LABEL_MARK + Integer.toString(b.id()));
    }

    /**
     * Writes {@code x} and the blocks it dominates; {@code fall} is where control goes when the written code ends
     * (null: nowhere). Returns true when the code never reaches its end (ends with a jump).
     */
    private boolean node(Block x, Block fall) {
        List<Block> dominated = cfg.dominated(x);
        if (!cfg.isLoopHeader(x)) {
            return within(dominated.stream().filter(cfg::isMerge).toList(), fall, f -> block(x, f));
        }
        java.util.Set<Block> loop = cfg.loop(x);
        List<Block> exits = dominated.stream().filter(loopExits::contains).toList();
        List<Block> inner = dominated.stream()
                .filter(c -> loop.contains(c) && cfg.isMerge(c))
                .toList();
        return within(exits, fall, breakTarget -> {
            line("for (;;) {");
            depth++;
            label(x);
            loops.push(new Block[] {x, breakTarget});
            within(inner, x, f -> block(x, f));
            loops.pop();
            depth--;
            line("}");
            return false;
        });
    }

    /** The content, then each follower in turn (the first written right after the content, which falls to it). */
    private boolean within(List<Block> followers, Block fall, java.util.function.Function<Block, Boolean> content) {
        if (followers.isEmpty()) {
            return content.apply(fall);
        }
        Block last = followers.getLast();
        within(followers.subList(0, followers.size() - 1), last, content);
        label(last);
        return node(last, fall);
    }

    /** The block's instructions and its terminator. */
    private boolean block(Block x, Block fall) {
        for (Instruction i : x.instructions()) {
            instruction(i);
        }
        switch (x.terminator()) {
            case Terminator.Return r -> {
                line("return;");
                return true;
            }
            case Terminator.Jump j -> {
                return jump(x, j.target(), fall);
            }
            case Terminator.Branch br -> {
                if (br.ifTrue() == br.ifFalse()) {
                    return jump(x, br.ifTrue(), fall);
                }
                StringBuilder outer = body;
                depth++;
                body = new StringBuilder();
                boolean trueJumps = jump(x, br.ifTrue(), fall);
                String t = body.toString();
                body = new StringBuilder();
                boolean falseJumps = jump(x, br.ifFalse(), fall);
                String e = body.toString();
                depth--;
                body = outer;
                String c = v(br.condition());
                if (t.isEmpty() && e.isEmpty()) {
                    return false;
                }
                if (trueJumps || e.isEmpty()) {
                    line("if (" + c + ") {");
                    body.append(t);
                    line("}");
                    body.append(e.replaceAll("(?m)^    ", ""));
                } else if (falseJumps || t.isEmpty()) {
                    line("if (!" + c + ") {");
                    body.append(e);
                    line("}");
                    body.append(t.replaceAll("(?m)^    ", ""));
                } else {
                    line("if (" + c + ") {");
                    body.append(t);
                    line("} else {");
                    body.append(e);
                    line("}");
                }
                return trueJumps && falseJumps;
            }
        }
    }

    /** Control from {@code from} to {@code to}: phi copies, then fall through, continue, break, goto or the target inline. */
    private boolean jump(Block from, Block to, Block fall) {
        String copies = edge(from, to);
        if (!copies.isEmpty()) {
            line(copies.strip());
        }
        if (to == fall) {
            return false;
        }
        Block[] loop = loops.peek();
        if (loop != null && to == loop[0]) {
            line("continue;");
            return true;
        }
        if (loop != null && to == loop[1]) {
            line("break;");
            return true;
        }
        if (cfg.isBackEdge(from, to) || isFollower(to)) {
            gotoTargets.add(to);
            line("goto " + to.label() + ";");
            return true;
        }
        return node(to, fall);
    }

    private void terminator(Block b) {
        switch (b.terminator()) {
            case Terminator.Jump j ->
                line(edge(b, j.target()) + "goto " + j.target().label() + ";");
            case Terminator.Branch br ->
                line("if (" + v(br.condition()) + ") { " + edge(b, br.ifTrue()) + "goto "
                        + br.ifTrue().label() + "; } else { " + edge(b, br.ifFalse()) + "goto "
                        + br.ifFalse().label() + "; }");
            case Terminator.Return r -> line("return;");
        }
    }

    /** Phi assignments for the edge from -> to, as a parallel copy (all sources read before any phi is written). */
    private String edge(Block from, Block to) {
        List<Phi> phis = to.phis();
        if (phis.isEmpty()) {
            return "";
        }
        if (phis.size() == 1) {
            Phi p = phis.getFirst();
            return name(p.result()) + " = " + v(p.valueFrom(from)) + "; ";
        }
        StringBuilder sb = new StringBuilder("{ ");
        for (int k = 0; k < phis.size(); k++) {
            Phi p = phis.get(k);
            sb.append(OpenCLTypes.of(p.result().type()))
                    .append(" t")
                    .append(k)
                    .append(" = ")
                    .append(v(p.valueFrom(from)))
                    .append("; ");
        }
        sb.append(phis.stream()
                .map(p -> name(p.result()) + " = t" + phis.indexOf(p) + ";")
                .collect(Collectors.joining(" ")));
        return sb.append(" } ").toString();
    }
}
