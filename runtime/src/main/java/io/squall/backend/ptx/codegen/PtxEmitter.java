package io.squall.backend.ptx.codegen;

import io.squall.jit.Kernel;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Barrier;
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
import io.squall.jit.ir.Instruction.VectorBroadcast;
import io.squall.jit.ir.Instruction.VectorExtract;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.Instruction.VectorSum;
import io.squall.jit.ir.Instruction.WorkItem;
import io.squall.jit.ir.MathFunction;
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
import java.util.List;
import java.util.Map;

import static io.squall.backend.ptx.codegen.PtxCode.f32;
import static io.squall.backend.ptx.codegen.PtxCode.f64;

/**
 * IR to PTX text, written directly (no CUDA C, no NVRTC): one virtual register per IR value ({@code %v<id>}, ptxas
 * allocates), blocks as labels, phis as moves on each incoming edge (a parallel copy through scratch registers).
 *
 * <p>Semantics follow the OpenCL backend: integers wrap, shift counts are masked as in Java, float to integer
 * conversion truncates and saturates with NaN giving 0, Math.min/max return NaN when either operand is NaN.
 * Integer division by zero is undefined on the GPU (the OpenCL backend does not check it either); Java would throw.
 * Precise by default: {@code add/mul.rn} (never contracted into fma), {@code div.rn}, {@code sqrt.rn}, and software
 * transcendental functions ({@link PtxMath}); with fast math plain {@code add/mul} (fma contraction allowed),
 * {@code div.full}, {@code sqrt/rsqrt/ex2/lg2/sin/cos/tanh.approx} for floats. Barriers are {@code bar.sync 0},
 * which also orders shared and global memory among the block's threads (OpenCL's barrier fences).
 * Sub-group operations map to warp shuffles ({@code shfl.sync}, all 32 lanes: the whole warp must reach them).
 */
public final class PtxEmitter {
    private final Kernel kernel;
    private final Function f;
    private final PtxTarget target;
    private final boolean fast;
    private final PtxCode code = new PtxCode("x");
    private final PtxMath math = new PtxMath();
    private final StringBuilder shared = new StringBuilder();
    /** Private arrays kept in registers, one per element: see {@link #registerArrays()}. */
    private final Map<Temp, String[]> registerArrays = new HashMap<>();

    private PtxEmitter(Kernel kernel, PtxTarget target) {
        this.kernel = kernel;
        this.f = VectorScalarization.scalarized(kernel.ir()); // no vector types here: one register per lane
        this.target = target;
        this.fast = kernel.options().fastMath();
    }

    /** The PTX module (one {@code .entry} named {@link Kernel#entryName()}) for {@code target}. */
    public static String emit(Kernel kernel, PtxTarget target) {
        return new PtxEmitter(kernel, target).emit();
    }

    private String emit() {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < f.parameters().size(); i++) {
            Parameter p = f.parameters().get(i);
            String pname = kernel.entryName() + "_param_" + i;
            Temp t = p.value();
            declare(t);
            switch (t.type()) {
                case PointerType pt -> {
                    if (pt.space() != AddressSpace.GLOBAL) {
                        throw unsupported("a " + pt.space() + " pointer parameter");
                    }
                    params.add(".param .u64 " + pname);
                    code.op("ld.param.u64 " + name(t) + ", [" + pname + "]");
                    code.op("cvta.to.global.u64 " + name(t) + ", " + name(t));
                }
                case ScalarType s
                when s == ScalarType.I1 -> {
                    params.add(".param .b16 " + pname);
                    String tmp = code.reg(".b16");
                    code.op("ld.param.b16 " + tmp + ", [" + pname + "]");
                    code.op("setp.ne.b16 " + name(t) + ", " + tmp + ", 0");
                }
                case VectorType v -> throw new IllegalStateException("a vector parameter: " + v);
                case ScalarType s -> {
                    params.add(".param " + paramType(s) + " " + pname);
                    code.op("ld.param" + paramType(s) + " " + name(t) + ", [" + pname + "]");
                }
            }
        }
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                declare(p.result());
            }
            for (Instruction i : b.instructions()) {
                if (i.result() != null) {
                    declare(i.result());
                }
            }
        }
        registerArrays();
        for (Block b : f.blocks()) {
            code.label(label(b));
            for (Instruction i : b.instructions()) {
                instruction(i);
            }
            terminator(b);
        }
        StringBuilder out = new StringBuilder();
        out.append("// Generated by Squall from ")
                .append(kernel.javaName())
                .append(fast ? " (fast math)" : "")
                .append('\n');
        out.append(".version ").append(isaVersion()).append('\n');
        out.append(".target ").append(target.sm()).append('\n');
        out.append(".address_size 64\n\n");
        if (!math.isEmpty()) {
            out.append(math.definitions()).append('\n');
        }
        out.append(".visible .entry ").append(kernel.entryName()).append("(\n\t");
        out.append(String.join(",\n\t", params)).append("\n)\n");
        int[] wg = kernel.requiredLocalSize();
        if (wg != null) {
            out.append(".reqntid ")
                    .append(wg[0])
                    .append(", ")
                    .append(wg.length > 1 ? wg[1] : 1)
                    .append(", ")
                    .append(wg.length > 2 ? wg[2] : 1)
                    .append('\n');
        }
        out.append("{\n")
                .append(shared)
                .append(code.declarations())
                .append(code.body())
                .append("}\n");
        return out.toString();
    }

    private RuntimeException unsupported(String what) {
        return new IllegalArgumentException(kernel.javaName() + ": the PTX backend does not support " + what);
    }

    // ---- types, registers, operands ----

    private static String name(Temp t) {
        return "%v" + t.id();
    }

    private void declare(Temp t) {
        code.declare(name(t), regType(t.type()));
    }

    static String regType(Type t) {
        return switch (t) {
            case PointerType p -> ".b64";
            case ScalarType s ->
                switch (s) {
                    case I1 -> ".pred";
                    case I8, I16, F16 -> ".b16";
                    case I32 -> ".b32";
                    case I64 -> ".b64";
                    case F32 -> ".f32";
                    case F64 -> ".f64";
                };
            case VectorType v -> throw new IllegalStateException("vector type left after scalarization: " + v);
        };
    }

    private static String paramType(ScalarType s) {
        return switch (s) {
            case I1, I8, I16, F16 -> ".b16";
            case I32 -> ".b32";
            case I64 -> ".b64";
            case F32 -> ".f32";
            case F64 -> ".f64";
        };
    }

    /** Signed integer suffix (.s16 for i8 and i16, whose registers are 16 bits wide and sign-extended). */
    private static String sint(ScalarType s) {
        return switch (s) {
            case I8, I16 -> ".s16";
            case I32 -> ".s32";
            case I64 -> ".s64";
            default -> throw new IllegalStateException("not an integer: " + s);
        };
    }

    private static String uint(ScalarType s) {
        return sint(s).replace(".s", ".u");
    }

    private static String bits(ScalarType s) {
        return sint(s).replace(".s", ".b");
    }

    private static String ftype(ScalarType s) {
        return s == ScalarType.F64 ? ".f64" : ".f32";
    }

    private static ScalarType scalar(Value v) {
        return (ScalarType) v.type();
    }

    private static String literal(Constant c) {
        return switch (c.type()) {
            case I1 -> c.bits() != 0 ? "1" : "0";
            case I8, I16, I32 -> Long.toString(c.bits());
            case I64 -> c.bits() == Long.MIN_VALUE ? "0x8000000000000000" : Long.toString(c.bits());
            case F16 -> String.format("0x%04X", c.bits() & 0xFFFF);
            case F32 -> f32((float) c.doubleValue());
            case F64 -> PtxCode.f64Bits(c.bits());
        };
    }

    /** The value in a register (constants are moved into a scratch register). */
    private String reg(Value v) {
        return switch (v) {
            case Temp t -> name(t);
            case Constant c -> {
                String r = code.reg(regType(c.type()));
                code.op("mov" + (c.type() == ScalarType.I1 ? ".pred" : regType(c.type())) + " " + r + ", "
                        + literal(c));
                yield r;
            }
        };
    }

    /** A register or an immediate, for source operands that accept immediates (not predicates, not f16). */
    private String val(Value v) {
        if (v instanceof Constant c && c.type() != ScalarType.I1 && c.type() != ScalarType.F16) {
            return literal(c);
        }
        return reg(v);
    }

    private String scratch(ScalarType t) {
        return code.reg(regType(t));
    }

    // ---- instructions ----

    private void instruction(Instruction i) {
        switch (i) {
            case Binary b -> binary(b);
            case Unary u -> unary(u);
            case Compare c -> compare(name(c.result()), c.predicate(), c.unordered(), c.left(), c.right());
            case Select s -> select(s);
            case Convert c ->
                convert(name(c.result()), c.kind(), c.value(), scalar(c.value()), (ScalarType)
                        c.result().type());
            case MathOp m -> math(m);
            case Load l -> load(l);
            case LoadBytes l ->
                code.op("ld" + space(l.base()) + memType(l.type()) + " " + name(l.result()) + ", "
                        + address(
                                l.base(),
                                l.byteOffset())); // i8 pointer: the address is base + offset; aligned by contract
            case Store s -> store(s);
            case LocalArray a -> localArray(a);
            case WorkItem w -> workItem(w);
            case Barrier b -> code.op("bar.sync 0");
            case AtomicRMW a -> atomic(a);
            case SubGroupOp s -> subGroup(s);
            case MatrixMultiplyAccumulate m -> mma(m);
            case VectorBroadcast v -> throw VectorScalarization.leftOver(i);
            case VectorLoad v -> throw VectorScalarization.leftOver(i);
            case VectorSum v -> throw VectorScalarization.leftOver(i);
            case VectorExtract v -> throw VectorScalarization.leftOver(i);
        }
    }

    private void binary(Binary b) {
        ScalarType t = (ScalarType) b.result().type();
        String d = name(b.result());
        if (t == ScalarType.F16) {
            String l = widenHalf(b.left()), r = widenHalf(b.right()), w = scratch(ScalarType.F32);
            floatBinary(w, b.op(), ScalarType.F32, l, r);
            code.op("cvt.rn.f16.f32 " + d + ", " + w);
            return;
        }
        if (t.isFloat()) {
            floatBinary(d, b.op(), t, reg(b.left()), val(b.right()));
            return;
        }
        if (t == ScalarType.I1) {
            String op = switch (b.op()) {
                case AND -> "and";
                case OR -> "or";
                case XOR -> "xor";
                default -> throw unsupported(b.op() + " on booleans");
            };
            code.op(op + ".pred " + d + ", " + reg(b.left()) + ", " + reg(b.right()));
            return;
        }
        String l = reg(b.left());
        String r = val(b.right());
        String target = t == ScalarType.I8 ? scratch(t) : d;
        switch (b.op()) {
            case ADD -> code.op("add" + sint(t) + " " + target + ", " + l + ", " + r);
            case SUB -> code.op("sub" + sint(t) + " " + target + ", " + l + ", " + r);
            case MUL -> code.op("mul.lo" + sint(t) + " " + target + ", " + l + ", " + r);
            case DIV -> code.op("div" + sint(t) + " " + target + ", " + l + ", " + r);
            case REM -> code.op("rem" + sint(t) + " " + target + ", " + l + ", " + r);
            case AND -> code.op("and" + bits(t) + " " + target + ", " + l + ", " + r);
            case OR -> code.op("or" + bits(t) + " " + target + ", " + l + ", " + r);
            case XOR -> code.op("xor" + bits(t) + " " + target + ", " + l + ", " + r);
            case SHL, SHR, USHR -> {
                String count = shiftCount(b.right(), t == ScalarType.I64 ? 63 : 31);
                String op = switch (b.op()) {
                    case SHL -> "shl" + bits(t);
                    case SHR -> "shr" + sint(t);
                    default -> "shr" + uint(t);
                };
                code.op(op + " " + target + ", " + l + ", " + count);
            }
        }
        if (t == ScalarType.I8) {
            signExtendByte(d, target);
        }
    }

    /** Java masks shift counts to the operand width; PTX clamps them instead. */
    private String shiftCount(Value count, int mask) {
        if (count instanceof Constant c) {
            return Long.toString(c.longValue() & mask);
        }
        ScalarType ct = scalar(count);
        String c32 = reg(count);
        if (ct == ScalarType.I64) {
            String n = code.reg(".b32");
            code.op("cvt.u32.u64 " + n + ", " + c32);
            c32 = n;
        } else if (ct == ScalarType.I8 || ct == ScalarType.I16) {
            String n = code.reg(".b32");
            code.op("cvt.s32.s16 " + n + ", " + c32);
            c32 = n;
        }
        String masked = code.reg(".b32");
        code.op("and.b32 " + masked + ", " + c32 + ", " + mask);
        return masked;
    }

    /** d = the low 8 bits of the 16-bit register src, sign-extended (the i8 register convention). */
    private void signExtendByte(String d, String src) {
        String t = code.reg(".b16");
        code.op("shl.b16 " + t + ", " + src + ", 8");
        code.op("shr.s16 " + d + ", " + t + ", 8");
    }

    private void floatBinary(String d, BinaryOperator op, ScalarType t, String l, String r) {
        String ft = ftype(t);
        String rn = fast && t == ScalarType.F32 ? "" : ".rn";
        switch (op) {
            case ADD -> code.op("add" + rn + ft + " " + d + ", " + l + ", " + r);
            case SUB -> code.op("sub" + rn + ft + " " + d + ", " + l + ", " + r);
            case MUL -> code.op("mul" + rn + ft + " " + d + ", " + l + ", " + r);
            case DIV ->
                code.op((fast && t == ScalarType.F32 ? "div.full" : "div.rn") + ft + " " + d + ", " + l + ", " + r);
            case REM -> call(d, t, math.fmod(t == ScalarType.F64 ? "f64" : "f32"), ft, l, r);
            default -> throw unsupported("bitwise " + op + " on " + t);
        }
    }

    private String widenHalf(Value v) {
        String w = scratch(ScalarType.F32);
        code.op("cvt.f32.f16 " + w + ", " + reg(v));
        return w;
    }

    private void unary(Unary u) {
        ScalarType t = (ScalarType) u.result().type();
        String d = name(u.result());
        String x = reg(u.operand());
        switch (u.op()) {
            case NEG -> {
                if (t == ScalarType.F16) {
                    code.op("xor.b16 " + d + ", " + x + ", 0x8000");
                } else if (t.isFloat()) {
                    code.op("neg" + ftype(t) + " " + d + ", " + x);
                } else if (t == ScalarType.I8) {
                    String n = scratch(t);
                    code.op("neg.s16 " + n + ", " + x);
                    signExtendByte(d, n);
                } else {
                    code.op("neg" + sint(t) + " " + d + ", " + x);
                }
            }
            case NOT -> {
                if (t == ScalarType.I1) {
                    code.op("not.pred " + d + ", " + x);
                } else if (t.isFloat()) {
                    throw unsupported("bitwise not on " + t);
                } else {
                    code.op("not" + bits(t) + " " + d + ", " + x);
                }
            }
        }
    }

    private void compare(String d, Predicate p, boolean unordered, Value left, Value right) {
        ScalarType t = scalar(left);
        if (t == ScalarType.I1) {
            if (p != Predicate.EQ && p != Predicate.NE) {
                throw unsupported("ordering comparison of booleans");
            }
            String x = p == Predicate.EQ ? code.reg(".pred") : d;
            code.op("xor.pred " + x + ", " + reg(left) + ", " + reg(right));
            if (p == Predicate.EQ) {
                code.op("not.pred " + d + ", " + x);
            }
            return;
        }
        String cmp = p.name().toLowerCase();
        if (t.isFloat()) {
            String l = t == ScalarType.F16 ? widenHalf(left) : reg(left);
            String r = t == ScalarType.F16 ? widenHalf(right) : val(right);
            code.op("setp." + cmp + (unordered ? "u" : "") + (t == ScalarType.F64 ? ".f64 " : ".f32 ") + d + ", " + l
                    + ", " + r);
        } else {
            code.op("setp." + cmp + sint(t) + " " + d + ", " + reg(left) + ", " + val(right));
        }
    }

    private void select(Select s) {
        ScalarType t = s.result().type() instanceof ScalarType st ? st : null;
        String d = name(s.result());
        String c = reg(s.condition());
        if (t == ScalarType.I1) {
            String a = code.reg(".pred"), nc = code.reg(".pred"), b = code.reg(".pred");
            code.op("and.pred " + a + ", " + c + ", " + reg(s.ifTrue()));
            code.op("not.pred " + nc + ", " + c);
            code.op("and.pred " + b + ", " + nc + ", " + reg(s.ifFalse()));
            code.op("or.pred " + d + ", " + a + ", " + b);
            return;
        }
        String type = regType(s.result().type());
        code.op("selp" + type + " " + d + ", " + val(s.ifTrue()) + ", " + val(s.ifFalse()) + ", " + c);
    }

    private void convert(String d, ConversionKind kind, Value value, ScalarType from, ScalarType to) {
        if (from == to) {
            code.op("mov" + (to == ScalarType.I1 ? ".pred" : regType(to)) + " " + d + ", " + reg(value));
            return;
        }
        String x = reg(value);
        switch (kind) {
            case BITCAST -> {
                if (from.bits() != to.bits() || from == ScalarType.I1) {
                    throw unsupported("a bit cast from " + from + " to " + to);
                }
                code.op("mov.b" + to.bits() + " " + d + ", " + x);
            }
            case ZERO_EXTEND -> {
                if (from == ScalarType.I1) {
                    code.op("selp" + bits(to) + " " + d + ", 1, 0, " + x);
                    return;
                }
                String src = x;
                if (from == ScalarType.I8) {
                    src = code.reg(".b16");
                    code.op("and.b16 " + src + ", " + x + ", 255");
                }
                int fw = from == ScalarType.I8 ? 16 : from.bits();
                int tw = to == ScalarType.I8 ? 16 : to.bits();
                if (fw == tw) {
                    code.op("mov.b" + tw + " " + d + ", " + src);
                } else {
                    code.op("cvt.u" + tw + ".u" + fw + " " + d + ", " + src);
                }
            }
            case NUMERIC -> numeric(d, x, from, to);
        }
    }

    private void numeric(String d, String x, ScalarType from, ScalarType to) {
        if (to == ScalarType.I1) {
            if (from.isFloat()) {
                throw unsupported("a conversion from " + from + " to boolean");
            }
            code.op("setp.ne" + bits(from) + " " + d + ", " + x + ", 0");
            return;
        }
        if (from == ScalarType.I1) {
            code.op("selp" + (to.isFloat() ? ftype(to) : bits(to)) + " " + d + ", "
                    + (to.isFloat() ? (to == ScalarType.F64 ? f64(1) : f32(1)) : "1") + ", "
                    + (to.isFloat() ? (to == ScalarType.F64 ? f64(0) : f32(0)) : "0") + ", " + x);
            if (to == ScalarType.F16) {
                throw unsupported("a conversion from boolean to f16");
            }
            return;
        }
        if (from.isInteger() && to.isInteger()) {
            int fw = from.bits() <= 16 ? 16 : from.bits();
            switch (to) {
                case I8 -> {
                    String low = x;
                    if (fw > 16) {
                        low = code.reg(".b16");
                        code.op("cvt.u16.u" + fw + " " + low + ", " + x);
                    }
                    signExtendByte(d, low);
                }
                case I16 -> {
                    if (fw == 16) {
                        code.op("mov.b16 " + d + ", " + x);
                    } else {
                        code.op("cvt.u16.u" + fw + " " + d + ", " + x);
                    }
                }
                case I32 -> code.op(fw == 64 ? "cvt.u32.u64 " + d + ", " + x : "cvt.s32.s16 " + d + ", " + x);
                case I64 -> code.op("cvt.s64.s" + fw + " " + d + ", " + x);
                default -> throw new IllegalStateException();
            }
            return;
        }
        if (from.isInteger()) { // to float: round to nearest
            String src = sint(from);
            if (to == ScalarType.F16) {
                String w = scratch(ScalarType.F32);
                code.op("cvt.rn.f32" + src + " " + w + ", " + x);
                code.op("cvt.rn.f16.f32 " + d + ", " + w);
            } else {
                code.op("cvt.rn" + ftype(to) + src + " " + d + ", " + x);
            }
            return;
        }
        if (to.isInteger()) { // Java: truncate, saturate, NaN -> 0
            String fx = x;
            ScalarType ff = from;
            if (from == ScalarType.F16) {
                String w = scratch(ScalarType.F32);
                code.op("cvt.f32.f16 " + w + ", " + x);
                fx = w;
                ff = ScalarType.F32;
            }
            boolean wide = to == ScalarType.I64;
            String i = wide ? code.reg(".b64") : code.reg(".b32");
            String nan = code.reg(".pred");
            code.op("cvt.rzi.sat" + (wide ? ".s64" : ".s32") + ftype(ff) + " " + i + ", " + fx);
            code.op("setp.nan" + ftype(ff) + " " + nan + ", " + fx + ", " + fx);
            String r = to == ScalarType.I32 || wide ? d : code.reg(".b32");
            code.op("selp" + (wide ? ".b64" : ".b32") + " " + r + ", 0, " + i + ", " + nan);
            if (to == ScalarType.I8 || to == ScalarType.I16) {
                numeric(d, r, ScalarType.I32, to);
            }
            return;
        }
        // float to float
        switch (from) {
            case F16 -> code.op("cvt" + ftype(to) + ".f16 " + d + ", " + x);
            case F32 ->
                code.op(to == ScalarType.F64 ? "cvt.f64.f32 " + d + ", " + x : "cvt.rn.f16.f32 " + d + ", " + x);
            default -> code.op((to == ScalarType.F32 ? "cvt.rn.f32.f64 " : "cvt.rn.f16.f64 ") + d + ", " + x);
        }
    }

    // ---- math ----

    private void math(MathOp m) {
        ScalarType t = (ScalarType) m.result().type();
        String d = name(m.result());
        List<Value> a = m.arguments();
        if (t.isInteger()) {
            String s = sint(t);
            switch (m.function()) {
                case MIN -> code.op("min" + s + " " + d + ", " + reg(a.get(0)) + ", " + val(a.get(1)));
                case MAX -> code.op("max" + s + " " + d + ", " + reg(a.get(0)) + ", " + val(a.get(1)));
                case ABS -> code.op("abs" + s + " " + d + ", " + reg(a.get(0)));
                case CLAMP -> {
                    String lo = scratch(t);
                    code.op("max" + s + " " + lo + ", " + reg(a.get(0)) + ", " + val(a.get(1)));
                    code.op("min" + s + " " + d + ", " + lo + ", " + val(a.get(2)));
                }
                default -> throw unsupported(m.function() + " on integers");
            }
            return;
        }
        List<String> args = new ArrayList<>();
        ScalarType ct = t == ScalarType.F16 ? ScalarType.F32 : t;
        for (Value v : a) {
            args.add(t == ScalarType.F16 ? widenHalf(v) : reg(v));
        }
        String out = t == ScalarType.F16 ? scratch(ScalarType.F32) : d;
        floatMath(out, m.function(), ct, args);
        if (t == ScalarType.F16) {
            code.op("cvt.rn.f16.f32 " + d + ", " + out);
        }
    }

    private void floatMath(String d, MathFunction fn, ScalarType t, List<String> a) {
        String ft = ftype(t);
        boolean single = t == ScalarType.F32;
        switch (fn) {
            case MIN, MAX -> javaMinMax(d, fn == MathFunction.MIN, t, a.get(0), a.get(1));
            case CLAMP -> {
                String lo = scratch(t);
                javaMinMax(lo, false, t, a.get(0), a.get(1));
                javaMinMax(d, true, t, lo, a.get(2));
            }
            case ABS -> code.op("abs" + ft + " " + d + ", " + a.get(0));
            case FLOOR -> code.op("cvt.rmi" + ft + ft + " " + d + ", " + a.get(0));
            case CEIL -> code.op("cvt.rpi" + ft + ft + " " + d + ", " + a.get(0));
            case FMA -> code.op("fma.rn" + ft + " " + d + ", " + a.get(0) + ", " + a.get(1) + ", " + a.get(2));
            case SIGNUM -> {
                String lt = code.reg(".pred"), gt = code.reg(".pred"), m = scratch(t);
                String one = single ? f32(1) : f64(1), minus = single ? f32(-1) : f64(-1);
                code.op("setp.lt" + ft + " " + lt + ", " + a.get(0) + ", " + (single ? f32(0) : f64(0)));
                code.op("setp.gt" + ft + " " + gt + ", " + a.get(0) + ", " + (single ? f32(0) : f64(0)));
                code.op("selp" + ft + " " + m + ", " + minus + ", " + a.get(0) + ", " + lt);
                code.op("selp" + ft + " " + d + ", " + one + ", " + m + ", " + gt);
            }
            case SQRT -> code.op((fast && single ? "sqrt.approx" : "sqrt.rn") + ft + " " + d + ", " + a.get(0));
            case RSQRT -> {
                if (fast && single) {
                    code.op("rsqrt.approx.f32 " + d + ", " + a.get(0));
                } else {
                    String x = widen(t, a.get(0)), s = code.reg(".f64"), r = code.reg(".f64");
                    code.op("sqrt.rn.f64 " + s + ", " + x);
                    code.op("rcp.rn.f64 " + r + ", " + s);
                    narrow(d, t, r);
                }
            }
            default -> {
                if (fast && single && fastTranscendental(d, fn, a)) {
                    return;
                }
                String fname = math.function(fn.name().toLowerCase());
                List<String> wide = new ArrayList<>();
                for (String x : a) {
                    wide.add(widen(t, x));
                }
                String r = code.reg(".f64");
                call(r, ScalarType.F64, fname, ".f64", wide.toArray(String[]::new));
                narrow(d, t, r);
            }
        }
    }

    private String widen(ScalarType t, String x) {
        if (t == ScalarType.F64) {
            return x;
        }
        String w = code.reg(".f64");
        code.op("cvt.f64.f32 " + w + ", " + x);
        return w;
    }

    private void narrow(String d, ScalarType t, String r) {
        code.op(t == ScalarType.F64 ? "mov.f64 " + d + ", " + r : "cvt.rn.f32.f64 " + d + ", " + r);
    }

    /** The hardware approximations, for fast math on floats; false when there is none for {@code fn}. */
    private boolean fastTranscendental(String d, MathFunction fn, List<String> a) {
        String x = a.get(0);
        switch (fn) {
            case EXP -> {
                String t = code.reg(".f32");
                code.op("mul.f32 " + t + ", " + x + ", " + f32((float) (1 / Math.log(2))));
                code.op("ex2.approx.f32 " + d + ", " + t);
            }
            case LOG, LOG2 -> {
                if (fn == MathFunction.LOG2) {
                    code.op("lg2.approx.f32 " + d + ", " + x);
                } else {
                    String t = code.reg(".f32");
                    code.op("lg2.approx.f32 " + t + ", " + x);
                    code.op("mul.f32 " + d + ", " + t + ", " + f32((float) Math.log(2)));
                }
            }
            case SIN -> code.op("sin.approx.f32 " + d + ", " + x);
            case COS -> code.op("cos.approx.f32 " + d + ", " + x);
            case TAN -> {
                String s = code.reg(".f32"), c = code.reg(".f32");
                code.op("sin.approx.f32 " + s + ", " + x);
                code.op("cos.approx.f32 " + c + ", " + x);
                code.op("div.approx.f32 " + d + ", " + s + ", " + c);
            }
            case TANH -> code.op("tanh.approx.f32 " + d + ", " + x);
            case POW -> {
                String l = code.reg(".f32"), t = code.reg(".f32");
                code.op("lg2.approx.f32 " + l + ", " + x);
                code.op("mul.f32 " + t + ", " + l + ", " + a.get(1));
                code.op("ex2.approx.f32 " + d + ", " + t);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Java's Math.min/max on floats: NaN when either operand is NaN (PTX min/max return the other operand). */
    private void javaMinMax(String d, boolean min, ScalarType t, String a, String b) {
        String ft = ftype(t);
        String m = scratch(t), s = scratch(t), nan = code.reg(".pred");
        code.op((min ? "min" : "max") + ft + " " + m + ", " + a + ", " + b);
        code.op("setp.nan" + ft + " " + nan + ", " + a + ", " + b);
        code.op("add.rn" + ft + " " + s + ", " + a + ", " + b);
        code.op("selp" + ft + " " + d + ", " + s + ", " + m + ", " + nan);
    }

    /** Calls a math .func: arguments and result through .param space, in a scope of its own. */
    private void call(String d, ScalarType t, String fname, String ft, String... args) {
        String pt = t == ScalarType.F64 ? ".b64" : ".b32";
        code.raw("{");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String pn = "param" + i;
            names.add(pn);
            code.raw(".param " + pt + " " + pn + ";");
            code.op("st.param" + ft + " [" + pn + "], " + args[i]);
        }
        code.raw(".param " + pt + " retval0;");
        code.op("call.uni (retval0), " + fname + ", (" + String.join(", ", names) + ")");
        code.op("ld.param" + ft + " " + d + ", [retval0]");
        code.raw("}");
    }

    // ---- memory ----

    private static String space(Value pointer) {
        return switch (((PointerType) pointer.type()).space()) {
            case GLOBAL -> ".global";
            case LOCAL -> ".shared";
            case PRIVATE -> ".local";
        };
    }

    private static ScalarType element(Value pointer) {
        return ((PointerType) pointer.type()).element();
    }

    /** [base + index * elementSize] */
    private String address(Value base, Value index) {
        int size = element(base).bytes();
        String b = reg(base);
        if (index instanceof Constant c) {
            long off = c.longValue() * size;
            if (off == 0) {
                return "[" + b + "]";
            }
            if (off > 0 && off < Integer.MAX_VALUE) {
                return "[" + b + "+" + off + "]";
            }
        }
        ScalarType it = scalar(index);
        String i = reg(index);
        String offset = code.reg(".b64");
        switch (it) {
            case I64 -> code.op("mul.lo.s64 " + offset + ", " + i + ", " + size);
            case I32 -> code.op("mul.wide.s32 " + offset + ", " + i + ", " + size);
            case I8, I16 -> {
                String w = code.reg(".b32");
                code.op("cvt.s32.s16 " + w + ", " + i);
                code.op("mul.wide.s32 " + offset + ", " + w + ", " + size);
            }
            default -> throw unsupported("an index of type " + it);
        }
        String a = code.reg(".b64");
        code.op("add.s64 " + a + ", " + b + ", " + offset);
        return "[" + a + "]";
    }

    private static String memType(ScalarType t) {
        return switch (t) {
            case I1, I8 -> ".s8";
            case I16 -> ".s16";
            case I32 -> ".b32";
            case I64 -> ".b64";
            case F16 -> ".b16";
            case F32 -> ".f32";
            case F64 -> ".f64";
        };
    }

    private void load(Load l) {
        ScalarType t = element(l.base());
        String[] elements = registerArrays.get(l.base());
        if (elements != null) {
            code.op("mov" + regType(t) + " " + name(l.result()) + ", " + elements[index(l.index())]);
            return;
        }
        String addr = address(l.base(), l.index());
        String d = name(l.result());
        if (t == ScalarType.I1) {
            String b = code.reg(".b16");
            code.op("ld" + space(l.base()) + ".u8 " + b + ", " + addr);
            code.op("setp.ne.b16 " + d + ", " + b + ", 0");
            return;
        }
        code.op("ld" + space(l.base()) + memType(t) + " " + d + ", " + addr);
    }

    private void store(Store s) {
        ScalarType t = element(s.base());
        String[] elements = registerArrays.get(s.base());
        if (elements != null) {
            code.op("mov" + regType(t) + " " + elements[index(s.index())] + ", " + val(s.value()));
            return;
        }
        String addr = address(s.base(), s.index());
        String v;
        if (t == ScalarType.I1) {
            v = code.reg(".b16");
            code.op("selp.b16 " + v + ", 1, 0, " + reg(s.value()));
        } else {
            v = val(s.value());
        }
        code.op("st" + space(s.base()) + memType(t) + " " + addr + ", " + v);
    }

    private void localArray(LocalArray a) {
        if (registerArrays.containsKey(a.result())) {
            return; // its elements are registers
        }
        if (((PointerType) a.result().type()).space() == AddressSpace.PRIVATE) {
            // per-thread: a .local array declared in the function body; ld/st.local address it by its symbol
            String sym = "squall_private_" + a.result().id();
            code.raw(".local .align 8 .b8 " + sym + "["
                    + Math.max(1, (long) a.length() * a.elementType().bytes()) + "];");
            code.op("mov.u64 " + name(a.result()) + ", " + sym);
            return;
        }
        String sym = "squall_local_" + a.result().id();
        shared.append("\t.shared .align 8 .b8 ")
                .append(sym)
                .append('[')
                .append(Math.max(1, (long) a.length() * a.elementType().bytes()))
                .append("];\n");
        code.op("mov.u64 " + name(a.result()) + ", " + sym);
    }

    private void workItem(WorkItem w) {
        String dim = switch (w.dimension()) {
            case 0 -> ".x";
            case 1 -> ".y";
            case 2 -> ".z";
            default -> throw unsupported("work-item dimension " + w.dimension());
        };
        String d = name(w.result());
        switch (w.query()) {
            case LOCAL_ID -> code.op("mov.u32 " + d + ", %tid" + dim);
            case GROUP_ID -> code.op("mov.u32 " + d + ", %ctaid" + dim);
            case LOCAL_SIZE -> code.op("mov.u32 " + d + ", %ntid" + dim);
            case NUM_GROUPS -> code.op("mov.u32 " + d + ", %nctaid" + dim);
            case GLOBAL_ID -> {
                String g = code.reg(".b32"), n = code.reg(".b32"), t = code.reg(".b32");
                code.op("mov.u32 " + g + ", %ctaid" + dim);
                code.op("mov.u32 " + n + ", %ntid" + dim);
                code.op("mov.u32 " + t + ", %tid" + dim);
                code.op("mad.lo.s32 " + d + ", " + g + ", " + n + ", " + t);
            }
            case GLOBAL_SIZE -> {
                String g = code.reg(".b32"), n = code.reg(".b32");
                code.op("mov.u32 " + g + ", %nctaid" + dim);
                code.op("mov.u32 " + n + ", %ntid" + dim);
                code.op("mul.lo.s32 " + d + ", " + g + ", " + n);
            }
        }
    }

    private void atomic(AtomicRMW a) {
        ScalarType t = element(a.base());
        String sp = space(a.base());
        String addr = address(a.base(), a.index());
        String v = reg(a.value());
        String d = a.result() != null ? name(a.result()) : scratch(t);
        String op = switch (a.op()) {
            case ADD -> "add";
            case MIN -> "min";
            case MAX -> "max";
            case EXCHANGE -> "exch";
            case MUL -> "mul";
        };
        if (a.op() == AtomicOperator.MUL) {
            casLoop(
                    d,
                    t,
                    sp,
                    addr,
                    (next, old) -> code.op((t.isFloat() ? "mul.rn" + ftype(t) : "mul.lo" + sint(t)) + " " + next + ", "
                            + old + ", " + v));
            return;
        }
        switch (t) {
            case I32, I64 -> {
                String ty = switch (a.op()) {
                    case ADD -> uint(t);
                    case MIN, MAX -> sint(t);
                    case EXCHANGE -> bits(t);
                    case MUL -> throw new IllegalStateException("by compare-and-swap above");
                };
                code.op("atom" + sp + "." + op + ty + " " + d + ", " + addr + ", " + v);
            }
            case F32, F64 -> {
                String ft = ftype(t);
                switch (a.op()) {
                    case ADD -> code.op("atom" + sp + ".add" + ft + " " + d + ", " + addr + ", " + v);
                    case EXCHANGE -> code.op("atom" + sp + ".exch.b" + t.bits() + " " + d + ", " + addr + ", " + v);
                    default ->
                        casLoop(
                                d,
                                t,
                                sp,
                                addr,
                                (next, old) -> javaMinMax(next, a.op() == AtomicOperator.MIN, t, old, v));
                }
            }
            default -> throw unsupported("atomics on " + t);
        }
    }

    /**
     * An atomic update by compare-and-swap on the bits: float min/max with Java's NaN rule, multiplication.
     * {@code combine} writes the new value (its first register) from the old one (its second).
     */
    private void casLoop(
            String d, ScalarType t, String sp, String addr, java.util.function.BiConsumer<String, String> combine) {
        String ft = t.isFloat() ? ftype(t) : bits(t), bt = ".b" + t.bits();
        String old = scratch(t),
                next = scratch(t),
                ob = code.reg(bt),
                nb = code.reg(bt),
                prev = code.reg(bt),
                retry = code.reg(".pred");
        String loop = code.newLabel("cas");
        code.op("ld.volatile" + sp + ft + " " + old + ", " + addr);
        code.label(loop);
        combine.accept(next, old);
        code.op("mov" + bt + " " + ob + ", " + old);
        code.op("mov" + bt + " " + nb + ", " + next);
        code.op("atom" + sp + ".cas" + bt + " " + prev + ", " + addr + ", " + ob + ", " + nb);
        code.op("setp.ne" + bt + " " + retry + ", " + prev + ", " + ob);
        code.op("mov" + bt + " " + old + ", " + prev);
        code.op("@" + retry + " bra " + loop);
        code.op("mov" + ft + " " + d + ", " + old);
    }

    // ---- sub-groups (warps) ----

    private void subGroup(SubGroupOp s) {
        String d = name(s.result());
        List<Value> a = s.arguments();
        switch (s.operation()) {
            case LOCAL_ID -> code.op("mov.u32 " + d + ", %laneid");
            case SIZE -> code.op("mov.u32 " + d + ", WARP_SZ");
            case BROADCAST, SHUFFLE -> shuffle(d, "idx", a.get(0), reg(a.get(1)));
            case SHUFFLE_XOR -> shuffle(d, "bfly", a.get(0), reg(a.get(1)));
            case WARP_SUM, WARP_SHUFFLE_DOWN, WARP_BROADCAST_FIRST -> warpCollective(s);
            case REDUCE_ADD, REDUCE_MIN, REDUCE_MAX -> {
                ScalarType t = scalar(a.get(0));
                if (t == ScalarType.I1 || t == ScalarType.F16 || t == ScalarType.I8 || t == ScalarType.I16) {
                    throw unsupported("sub-group reductions of " + t);
                }
                String cur = reg(a.get(0));
                for (int offset = 16; offset >= 1; offset /= 2) {
                    String other = scratch(t);
                    shuffle(other, "bfly", cur, t, Integer.toString(offset));
                    String next = offset == 1 ? d : scratch(t);
                    switch (s.operation()) {
                        case REDUCE_ADD ->
                            code.op((t.isFloat() ? "add.rn" + ftype(t) : "add" + sint(t)) + " " + next + ", " + cur
                                    + ", " + other);
                        default -> {
                            boolean min = s.operation() == SubGroupOperation.REDUCE_MIN;
                            if (t.isFloat()) {
                                javaMinMax(next, min, t, cur, other);
                            } else {
                                code.op((min ? "min" : "max") + sint(t) + " " + next + ", " + cur + ", " + other);
                            }
                        }
                    }
                    cur = next;
                }
            }
        }
    }

    /**
     * TornadoVM's simd* over the warp's lanes that exist: all 32, or the low ones of a work-group's last, partial warp
     * (the JVM's semantics). The member mask names exactly those lanes, computed from the block's shape (not
     * {@code activemask}, which need not include lanes that have not reconverged), and the clamp is their count less
     * one, so a source past the last lane reports out of range: simdShuffleDown keeps the lane's own value there, and
     * simdSum adds zero for it in a shuffle-down tree, then broadcasts lane 0's total.
     */
    private void warpCollective(SubGroupOp s) {
        String d = name(s.result());
        ScalarType t = scalar(s.arguments().get(0));
        if (t == ScalarType.I1 || (s.operation() == SubGroupOperation.WARP_SUM && t.bits() < 32)) {
            throw unsupported("SIMD-group " + s.operation() + " of " + t);
        }
        String x = reg(s.arguments().get(0));
        // the warp's lanes from the block's shape (warps are 32 consecutive linear thread ids, the last one partial
        // when the block is not a multiple of 32): lanes = min(32, threads - warp base), mask = (1 << lanes) - 1
        // (shl by 32 gives 0 in PTX, so a whole warp gets 0xffffffff)
        String[] n = {code.reg(".b32"), code.reg(".b32"), code.reg(".b32")};
        String[] id = {code.reg(".b32"), code.reg(".b32"), code.reg(".b32")};
        for (int dim = 0; dim < 3; dim++) {
            code.op("mov.u32 " + n[dim] + ", %ntid." + "xyz".charAt(dim));
            code.op("mov.u32 " + id[dim] + ", %tid." + "xyz".charAt(dim));
        }
        String threads = code.reg(".b32"), linear = code.reg(".b32"), base = code.reg(".b32");
        String left = code.reg(".b32"), lanes = code.reg(".b32"), bit = code.reg(".b32");
        String mask = code.reg(".b32"), clamp = code.reg(".b32");
        code.op("mul.lo.u32 " + threads + ", " + n[0] + ", " + n[1]);
        code.op("mul.lo.u32 " + threads + ", " + threads + ", " + n[2]);
        code.op("mad.lo.u32 " + linear + ", " + id[2] + ", " + n[1] + ", " + id[1]);
        code.op("mad.lo.u32 " + linear + ", " + linear + ", " + n[0] + ", " + id[0]);
        code.op("and.b32 " + base + ", " + linear + ", -32");
        code.op("sub.u32 " + left + ", " + threads + ", " + base);
        code.op("min.u32 " + lanes + ", " + left + ", 32");
        code.op("shl.b32 " + bit + ", 1, " + lanes);
        code.op("sub.u32 " + mask + ", " + bit + ", 1");
        code.op("add.s32 " + clamp + ", " + lanes + ", -1");
        switch (s.operation()) {
            case WARP_BROADCAST_FIRST -> shuffle(d, null, "idx", x, t, "0", "0x1f", mask);
            case WARP_SHUFFLE_DOWN -> {
                // a delta outside 0..31 (which shfl reads modulo 32) keeps the lane's own value too, as on the JVM
                String delta = reg(s.arguments().get(1)), moved = scratch(t), inRange = code.reg(".pred");
                shuffle(moved, null, "down", x, t, delta, clamp, mask);
                code.op("setp.lt.u32 " + inRange + ", " + delta + ", 32");
                code.op("selp" + regType(t) + " " + d + ", " + moved + ", " + x + ", " + inRange);
            }
            case WARP_SUM -> {
                String add = t.isFloat() ? "add.rn" + ftype(t) : "add" + sint(t);
                String cur = x;
                for (int offset = 16; offset >= 1; offset /= 2) {
                    String other = scratch(t), term = scratch(t), next = scratch(t), present = code.reg(".pred");
                    shuffle(other, present, "down", cur, t, Integer.toString(offset), clamp, mask);
                    code.op("selp" + regType(t) + " " + term + ", " + other + ", " + literal(Constant.zero(t)) + ", "
                            + present);
                    code.op(add + " " + next + ", " + cur + ", " + term);
                    cur = next;
                }
                shuffle(d, null, "idx", cur, t, "0", "0x1f", mask);
            }
            default -> throw new IllegalStateException("not a SIMD-group operation: " + s.operation());
        }
    }

    private void shuffle(String d, String mode, Value v, String lane) {
        shuffle(d, mode, reg(v), scalar(v), lane);
    }

    /** shfl.sync over the full warp; 64-bit values as two halves, 16-bit and boolean values widened. */
    private void shuffle(String d, String mode, String x, ScalarType t, String lane) {
        shuffle(d, null, mode, x, t, lane, "0x1f", "0xffffffff");
    }

    /** shfl.sync with a clamp and member mask; {@code inRange} (or null) receives shfl's source-in-range predicate. */
    private void shuffle(
            String d, String inRange, String mode, String x, ScalarType t, String lane, String clamp, String mask) {
        String tail = ", " + lane + ", " + clamp + ", " + mask;
        String p = inRange == null ? "" : "|" + inRange;
        switch (t) {
            case I32, F32 -> code.op("shfl.sync." + mode + ".b32 " + d + p + ", " + x + tail);
            case I64, F64 -> {
                String lo = code.reg(".b32"), hi = code.reg(".b32"), lo2 = code.reg(".b32"), hi2 = code.reg(".b32");
                code.op("mov.b64 {" + lo + ", " + hi + "}, " + x);
                code.op("shfl.sync." + mode + ".b32 " + lo2 + p + ", " + lo + tail);
                code.op("shfl.sync." + mode + ".b32 " + hi2 + ", " + hi + tail);
                code.op("mov.b64 " + d + ", {" + lo2 + ", " + hi2 + "}");
            }
            case I8, I16, F16 -> {
                String w = code.reg(".b32"), r = code.reg(".b32");
                code.op("cvt.u32.u16 " + w + ", " + x);
                code.op("shfl.sync." + mode + ".b32 " + r + p + ", " + w + tail);
                code.op("cvt.u16.u32 " + d + ", " + r);
            }
            case I1 -> {
                String w = code.reg(".b32"), r = code.reg(".b32");
                code.op("selp.b32 " + w + ", 1, 0, " + x);
                code.op("shfl.sync." + mode + ".b32 " + r + p + ", " + w + tail);
                code.op("setp.ne.b32 " + d + ", " + r + ", 0");
            }
        }
    }

    // ---- private arrays in registers ----

    /**
     * Finds the private arrays whose every use is a load or store at a constant in-range index or an mma operand (the
     * tensor-core fragments, small unrolled arrays) and gives each element a register of its own: ptxas does not
     * promote {@code .local} arrays, and a fragment in local memory would cost a round trip per mma. Other private
     * arrays stay in {@code .local} memory.
     */
    private void registerArrays() {
        Map<Temp, LocalArray> candidates = new HashMap<>();
        for (Block b : f.blocks()) {
            for (Instruction i : b.instructions()) {
                if (i instanceof LocalArray a
                        && ((PointerType) a.result().type()).space() == AddressSpace.PRIVATE
                        && a.elementType() != ScalarType.I1
                        && a.length() <= MAX_REGISTER_ARRAY) {
                    candidates.put(a.result(), a);
                }
            }
        }
        for (Block b : f.blocks()) {
            for (Phi p : b.phis()) {
                p.incoming().forEach(in -> candidates.remove(in.value()));
            }
            for (Instruction i : b.instructions()) {
                switch (i) {
                    case Load l when inRange(candidates.get(l.base()), l.index()) -> {}
                    case Store st when inRange(candidates.get(st.base()), st.index()) -> candidates.remove(st.value());
                    case MatrixMultiplyAccumulate m -> {}
                    case LocalArray a -> {}
                    default -> i.operands().forEach(candidates::remove);
                }
            }
        }
        for (LocalArray a : candidates.values()) {
            String[] elements = new String[a.length()];
            for (int e = 0; e < elements.length; e++) {
                elements[e] = code.reg(regType(a.elementType()));
            }
            registerArrays.put(a.result(), elements);
        }
    }

    /** The most elements a private array may have to be kept in registers (a 255-register budget per thread). */
    private static final int MAX_REGISTER_ARRAY = 64;

    private static boolean inRange(LocalArray a, Value index) {
        return a != null && index instanceof Constant c && c.longValue() >= 0 && c.longValue() < a.length();
    }

    private static int index(Value constantIndex) {
        return (int) ((Constant) constantIndex).longValue();
    }

    /** Element {@code e} of a private array in a register: its own register, or loaded from local memory. */
    private String element(Value array, int e) {
        String[] elements = registerArrays.get(array);
        if (elements != null) {
            return elements[e];
        }
        ScalarType t = element(array);
        String r = scratch(t);
        code.op("ld.local" + memType(t) + " " + r + ", [" + reg(array) + "+" + e * t.bytes() + "]");
        return r;
    }

    private void setElement(Value array, int e, String value) {
        String[] elements = registerArrays.get(array);
        ScalarType t = element(array);
        if (elements != null) {
            code.op("mov" + regType(t) + " " + elements[e] + ", " + value);
        } else {
            code.op("st.local" + memType(t) + " [" + reg(array) + "+" + e * t.bytes() + "], " + value);
        }
    }

    // ---- tensor cores ----

    /** The ISA version: the target's, or 8.4 where an fp8 mma needs it. */
    private String isaVersion() {
        boolean fp8 = f.blocks().stream()
                .flatMap(b -> b.instructions().stream())
                .anyMatch(i -> i instanceof MatrixMultiplyAccumulate m
                        && (m.kind() == MmaKind.E4M3_F32 || m.kind() == MmaKind.E5M2_F32));
        String own = target.isaVersion();
        return fp8 && Double.parseDouble(own) < 8.4 ? "8.4" : own;
    }

    /**
     * {@code mma.sync.aligned} over the warp: the fragments' elements packed into the 32-bit registers PTX expects (two
     * halves or four bytes each, the lower index in the lower bits), the four results written back to D.
     */
    private void mma(MatrixMultiplyAccumulate m) {
        MmaKind kind = m.kind();
        boolean fp8 = kind == MmaKind.E4M3_F32 || kind == MmaKind.E5M2_F32;
        int needed = fp8 ? 89 : 80;
        if (target.capability() < needed) {
            throw new IllegalArgumentException(kernel.javaName() + ": KernelContext." + kind.method
                    + (f.location(m) == null ? "" : " (" + f.location(m) + ")")
                    + " needs tensor cores of compute capability " + needed / 10 + "." + needed % 10
                    + (fp8 ? " (Ada, Hopper or newer: FP8 mma.sync)" : " (Ampere or newer: mma.sync m16n8k16/k32)")
                    + " or newer; this device is " + target.sm());
        }
        String types = switch (kind) {
            case F16_F32 -> "m16n8k16.row.col.f32.f16.f16.f32";
            case BF16_F32 -> "m16n8k16.row.col.f32.bf16.bf16.f32";
            case S8_S32 -> "m16n8k32.row.col.s32.s8.s8.s32";
            case E4M3_F32 -> "m16n8k32.row.col.f32.e4m3.e4m3.f32";
            case E5M2_F32 -> "m16n8k32.row.col.f32.e5m2.e5m2.f32";
        };
        List<String> a = packed(m.a(), kind.aElements);
        List<String> b = packed(m.b(), kind.bElements);
        ScalarType acc = element(m.c());
        List<String> c = new ArrayList<>();
        List<String> d = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            c.add(element(m.c(), e));
            d.add(scratch(acc));
        }
        code.op("mma.sync.aligned." + types + " {" + String.join(", ", d) + "}, {" + String.join(", ", a) + "}, {"
                + String.join(", ", b) + "}, {" + String.join(", ", c) + "}");
        for (int e = 0; e < 4; e++) {
            setElement(m.d(), e, d.get(e));
        }
    }

    /** A fragment of halves or bytes as 32-bit registers. */
    private List<String> packed(Value array, int elements) {
        List<String> words = new ArrayList<>();
        boolean halves = element(array) == ScalarType.F16;
        int perWord = halves ? 2 : 4;
        for (int w = 0; w < elements / perWord; w++) {
            String word = code.reg(".b32");
            if (halves) {
                code.op("mov.b32 " + word + ", {" + element(array, 2 * w) + ", " + element(array, 2 * w + 1) + "}");
            } else { // bytes in 16-bit registers: (b0 & 0xff) | b1 << 8 per half, then the two halves
                String lo = bytePair(element(array, 4 * w), element(array, 4 * w + 1));
                String hi = bytePair(element(array, 4 * w + 2), element(array, 4 * w + 3));
                code.op("mov.b32 " + word + ", {" + lo + ", " + hi + "}");
            }
            words.add(word);
        }
        return words;
    }

    private String bytePair(String first, String second) {
        String low = code.reg(".b16"), high = code.reg(".b16"), pair = code.reg(".b16");
        code.op("and.b16 " + low + ", " + first + ", 255");
        code.op("shl.b16 " + high + ", " + second + ", 8");
        code.op("or.b16 " + pair + ", " + low + ", " + high);
        return pair;
    }

    // ---- control flow ----

    private static String label(Block b) {
        return "$B" + b.id();
    }

    private void terminator(Block b) {
        switch (b.terminator()) {
            case Terminator.Jump j -> {
                edge(b, j.target());
                code.op("bra " + label(j.target()));
            }
            case Terminator.Branch br -> {
                String c = reg(br.condition());
                if (br.ifTrue().phis().isEmpty() && br.ifFalse().phis().isEmpty()) {
                    code.op("@" + c + " bra " + label(br.ifTrue()));
                    code.op("bra " + label(br.ifFalse()));
                } else {
                    String other = code.newLabel("else");
                    code.op("@!" + c + " bra " + other);
                    edge(b, br.ifTrue());
                    code.op("bra " + label(br.ifTrue()));
                    code.label(other);
                    edge(b, br.ifFalse());
                    code.op("bra " + label(br.ifFalse()));
                }
            }
            case Terminator.Return r -> code.op("ret");
        }
    }

    /** The phi moves of edge from -> to, as a parallel copy (all sources read before any phi is written). */
    private void edge(Block from, Block to) {
        List<Phi> phis = to.phis();
        if (phis.size() == 1) {
            Phi p = phis.getFirst();
            move(name(p.result()), p.result().type(), p.valueFrom(from));
            return;
        }
        List<String> temps = new ArrayList<>();
        for (Phi p : phis) {
            String t = code.reg(regType(p.result().type()));
            move(t, p.result().type(), p.valueFrom(from));
            temps.add(t);
        }
        for (int i = 0; i < phis.size(); i++) {
            Phi p = phis.get(i);
            code.op("mov" + movType(p.result().type()) + " " + name(p.result()) + ", " + temps.get(i));
        }
    }

    private void move(String d, Type type, Value v) {
        String src = v instanceof Constant c ? literal(c) : name((Temp) v);
        code.op("mov" + movType(type) + " " + d + ", " + src);
    }

    private static String movType(Type t) {
        return t == ScalarType.I1 ? ".pred" : regType(t);
    }
}
