package io.squall.backend.spirv.codegen;

import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.SubGroupOp;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.UnaryOp;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;

import java.util.List;

/**
 * Hand-built IR for the operations the Java suite does not reach: boolean and half scalar parameters, half bit
 * casts, saturating and narrowing conversions, i64 shifts by an i32 count, integer and float clamp/abs/signum, float
 * min/max/exchange atomics and i64 atomics, local float atomics with barriers, local half arrays, and a float
 * atomic add (a compare-and-swap loop, so extra blocks) inside a loop whose header phi comes back from it, and a
 * multiply-subtract that must not be contracted into an fma, and Java's MIN_VALUE / -1.
 * {@link #expected} gives what Java computes for the same inputs.
 */
final class CoverageKernel {
    private CoverageKernel() {}

    static final float X = 2.5f;
    static final short HS = Float.floatToFloat16(1.5f);
    static final long L = -5;
    static final double D = 1.0 / 3;

    /** Initial contents of the output buffers. */
    static float[] out() {
        float[] o = new float[16];
        o[3] = 10;
        o[4] = 1;
        o[5] = 7;
        return o;
    }

    static long[] outL() {
        long[] o = new long[8];
        for (int i = 3; i <= 6; i++) {
            o[i] = 100;
        }
        return o;
    }

    record Expected(float[] out, int[] outI, long[] outL, short[] half) {}

    static Expected expected() {
        float[] o = out();
        int[] oi = new int[10];
        long[] ol = outL();
        short[] h = new short[2];
        o[0] = X;
        oi[0] = HS & 0xffff;
        o[1] = 1.0f;
        h[0] = Float.floatToFloat16((float) D);
        oi[1] = 1;
        ol[0] = 1;
        ol[1] = L << 65;
        ol[2] = (long) (X * 1e30f);
        oi[4] = (int) ((X - X) / (X - X));
        oi[2] = (byte) (D * 1000);
        oi[5] = Math.clamp(7, 0, 5);
        oi[6] = Math.abs(-9);
        o[7] = Math.min(Math.max(X, 0f), 1f);
        o[8] = Math.signum(-X);
        o[9] = o[3];
        o[3] = Math.min(o[3], X);
        o[4] = Math.max(o[4], X);
        o[10] = o[5];
        o[5] = X;
        ol[3] += L;
        ol[4] = Math.min(ol[4], L);
        ol[5] = Math.max(ol[5], L);
        ol[7] = ol[6];
        ol[6] = L;
        o[11] = X;
        o[12] = Float.float16ToFloat(HS);
        oi[3] = 0 + 1 + 2 + 3;
        o[13] = 4;
        o[14] = (float) Math.atan2(X, 1) + (float) Math.ceil(X);
        float a = (X - 2.5f) + (1 + 0x1p-12f);
        o[15] = a * a - (1 + 0x1p-11f);
        int minusOne = -1;
        oi[7] = Integer.MIN_VALUE / minusOne;
        oi[8] = Integer.MIN_VALUE % minusOne;
        oi[9] = -7 / 2 + -7 % 2 * 10; // 0 in Java; 2^-24 if the multiply and subtract were fused

        return new Expected(o, oi, ol, h);
    }

    /** Parameters: out f32*, outI i32*, outL i64*, half f16*, flag i1, hs f16, x f32, l i64, d f64. */
    static Kernel build() {
        Function f = new Function("coverage");
        PointerType f32 = new PointerType(ScalarType.F32, AddressSpace.GLOBAL);
        Value out = f.addParameter(f32, "out");
        Value outI = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "outI");
        Value outL = f.addParameter(new PointerType(ScalarType.I64, AddressSpace.GLOBAL), "outL");
        Value half = f.addParameter(new PointerType(ScalarType.F16, AddressSpace.GLOBAL), "half");
        Value flag = f.addParameter(ScalarType.I1, "flag");
        Value hs = f.addParameter(ScalarType.F16, "hs");
        Value x = f.addParameter(ScalarType.F32, "x");
        Value l = f.addParameter(ScalarType.I64, "l");
        Value d = f.addParameter(ScalarType.F64, "d");
        IrBuilder b = new IrBuilder(f);
        Block entry = b.newBlock();
        b.setBlock(entry);
        Value gid = b.workItem(WorkItemQuery.GLOBAL_ID, 0);
        b.store(out, i(0), b.select(flag, x, Constant.ofFloat(0)));
        Value hsBits = b.convert(ConversionKind.BITCAST, hs, ScalarType.I16);
        b.store(outI, i(0), b.convert(ConversionKind.ZERO_EXTEND, hsBits, ScalarType.I32));
        Value shortOne = b.convert(ConversionKind.NUMERIC, x, ScalarType.I16); // 2
        Value oneBits = b.binary(
                BinaryOperator.ADD, b.convert(ConversionKind.NUMERIC, shortOne, ScalarType.I32), i(0x3C00 - 2));
        Value one = b.convert(
                ConversionKind.BITCAST, b.convert(ConversionKind.NUMERIC, oneBits, ScalarType.I16), ScalarType.F16);
        b.store(out, i(1), b.convert(ConversionKind.NUMERIC, one, ScalarType.F32));
        b.store(half, i(0), b.convert(ConversionKind.NUMERIC, d, ScalarType.F16));
        b.store(outI, i(1), b.convert(ConversionKind.NUMERIC, flag, ScalarType.I32));
        b.store(outL, i(0), b.convert(ConversionKind.ZERO_EXTEND, flag, ScalarType.I64));
        Value count = b.binary(BinaryOperator.ADD, gid, i(65));
        b.store(outL, i(1), b.binary(BinaryOperator.SHL, l, count));
        b.store(
                outL,
                i(2),
                b.convert(
                        ConversionKind.NUMERIC,
                        b.binary(BinaryOperator.MUL, x, Constant.ofFloat(1e30f)),
                        ScalarType.I64));
        Value zero = b.binary(BinaryOperator.SUB, x, x);
        b.store(
                outI,
                i(4),
                b.convert(ConversionKind.NUMERIC, b.binary(BinaryOperator.DIV, zero, zero), ScalarType.I32));
        Value thousand = b.binary(BinaryOperator.MUL, d, Constant.ofDouble(1000));
        b.store(
                outI,
                i(2),
                b.convert(
                        ConversionKind.NUMERIC,
                        b.convert(ConversionKind.NUMERIC, thousand, ScalarType.I8),
                        ScalarType.I32));
        b.store(outI, i(5), b.math(MathFunction.CLAMP, List.of(b.binary(BinaryOperator.ADD, gid, i(7)), i(0), i(5))));
        b.store(outI, i(6), b.math(MathFunction.ABS, List.of(b.binary(BinaryOperator.SUB, gid, i(9)))));
        b.store(out, i(7), b.math(MathFunction.CLAMP, List.of(x, Constant.ofFloat(0), Constant.ofFloat(1))));
        b.store(out, i(8), b.math(MathFunction.SIGNUM, List.of(b.unary(UnaryOp.NEG, x))));
        b.store(out, i(9), b.atomic(AtomicOperator.MIN, out, i(3), x));
        b.atomic(AtomicOperator.MAX, out, i(4), x);
        b.store(out, i(10), b.atomic(AtomicOperator.EXCHANGE, out, i(5), x));
        b.atomic(AtomicOperator.ADD, outL, i(3), l);
        b.atomic(AtomicOperator.MIN, outL, i(4), l);
        b.atomic(AtomicOperator.MAX, outL, i(5), l);
        b.store(outL, i(7), b.atomic(AtomicOperator.EXCHANGE, outL, i(6), l));
        Value local = b.localArray(ScalarType.F32, 8);
        b.store(local, i(0), Constant.ofFloat(0));
        b.barrier(BarrierScope.LOCAL);
        b.atomic(AtomicOperator.ADD, local, i(0), x);
        b.barrier(BarrierScope.GLOBAL);
        b.store(out, i(11), b.load(local, i(0)));
        Value localHalf = b.localArray(ScalarType.F16, 4);
        b.store(localHalf, i(1), hs);
        b.store(out, i(12), b.convert(ConversionKind.NUMERIC, b.load(localHalf, i(1)), ScalarType.F32));
        Value trig = b.binary(
                BinaryOperator.ADD,
                b.math(MathFunction.ATAN2, List.of(x, Constant.ofFloat(1))),
                b.math(MathFunction.CEIL, List.of(x)));
        b.store(out, i(14), trig);
        Value min = b.binary(BinaryOperator.ADD, gid, i(Integer.MIN_VALUE));
        Value minusOne = b.binary(BinaryOperator.SUB, gid, i(1));
        b.store(outI, i(7), b.binary(BinaryOperator.DIV, min, minusOne));
        b.store(outI, i(8), b.binary(BinaryOperator.REM, min, minusOne));
        Value minusSeven = b.binary(BinaryOperator.SUB, gid, i(7));
        Value two = b.binary(BinaryOperator.ADD, gid, i(2));
        b.store(
                outI,
                i(9),
                b.binary(
                        BinaryOperator.ADD,
                        b.binary(BinaryOperator.DIV, minusSeven, two),
                        b.binary(BinaryOperator.MUL, b.binary(BinaryOperator.REM, minusSeven, two), i(10))));
        Value a = b.binary(
                BinaryOperator.ADD,
                b.binary(BinaryOperator.SUB, x, Constant.ofFloat(2.5f)),
                Constant.ofFloat(1 + 0x1p-12f));
        b.store(
                out,
                i(15),
                b.binary(BinaryOperator.SUB, b.binary(BinaryOperator.MUL, a, a), Constant.ofFloat(1 + 0x1p-11f)));

        Block header = b.newBlock();
        Block body = b.newBlock();
        Block exit = b.newBlock();
        b.jump(header);
        Phi k = new Phi(f.newTemp(ScalarType.I32));
        Phi acc = new Phi(f.newTemp(ScalarType.I32));
        header.phis().add(k);
        header.phis().add(acc);
        b.setBlock(header);
        b.branch(b.compare(Predicate.LT, false, k.result(), i(4)), body, exit);
        b.setBlock(body);
        Value nextAcc = b.binary(BinaryOperator.ADD, acc.result(), k.result());
        b.atomic(AtomicOperator.ADD, out, i(13), Constant.ofFloat(1));
        Value nextK = b.binary(BinaryOperator.ADD, k.result(), i(1));
        b.jump(header);
        k.addIncoming(entry, i(0));
        k.addIncoming(body, nextK);
        acc.addIncoming(entry, i(0));
        acc.addIncoming(body, nextAcc);
        b.setBlock(exit);
        b.store(outI, i(3), acc.result());
        b.ret();
        return new Kernel(
                "CoverageKernel.coverage",
                "coverage",
                Kernel.Shape.SINGLE_THREAD,
                List.of(),
                List.of(),
                List.of(),
                null,
                f,
                CompileOptions.defaults());
    }

    /** A kernel of sub-group operations: out[gid] gets each operation's result, one slot per operation. */
    static Kernel subGroups() {
        Function f = new Function("subgroups");
        Value out = f.addParameter(new PointerType(ScalarType.F32, AddressSpace.GLOBAL), "out");
        Value outI = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "outI");
        IrBuilder b = new IrBuilder(f);
        b.setBlock(b.newBlock());
        Value gid = b.workItem(WorkItemQuery.GLOBAL_ID, 0);
        Value v = b.convert(ConversionKind.NUMERIC, gid, ScalarType.F32);
        Value lane = subGroup(f, b, SubGroupOperation.LOCAL_ID, ScalarType.I32);
        Value size = subGroup(f, b, SubGroupOperation.SIZE, ScalarType.I32);
        Value base = b.binary(BinaryOperator.MUL, gid, i(8));
        b.store(outI, base, b.binary(BinaryOperator.ADD, lane, size));
        int slot = 0;
        for (SubGroupOperation op :
                List.of(SubGroupOperation.REDUCE_ADD, SubGroupOperation.REDUCE_MIN, SubGroupOperation.REDUCE_MAX)) {
            b.store(out, b.binary(BinaryOperator.ADD, base, i(slot++)), subGroup(f, b, op, ScalarType.F32, v));
            b.store(outI, b.binary(BinaryOperator.ADD, base, i(slot)), subGroup(f, b, op, ScalarType.I32, gid));
        }
        b.store(
                out,
                b.binary(BinaryOperator.ADD, base, i(slot++)),
                subGroup(f, b, SubGroupOperation.BROADCAST, ScalarType.F32, v, i(0)));
        b.store(
                out,
                b.binary(BinaryOperator.ADD, base, i(slot++)),
                subGroup(f, b, SubGroupOperation.SHUFFLE, ScalarType.F32, v, lane));
        b.store(
                out,
                b.binary(BinaryOperator.ADD, base, i(slot)),
                subGroup(f, b, SubGroupOperation.SHUFFLE_XOR, ScalarType.F32, v, i(1)));
        b.ret();
        return new Kernel(
                "CoverageKernel.subgroups",
                "subgroups",
                Kernel.Shape.SINGLE_THREAD,
                List.of(),
                List.of(),
                List.of(),
                null,
                f,
                CompileOptions.defaults());
    }

    private static Value subGroup(Function f, IrBuilder b, SubGroupOperation op, ScalarType type, Value... args) {
        Temp t = f.newTemp(type);
        b.block().instructions().add(new SubGroupOp(t, op, List.of(args)));
        return t;
    }

    private static Constant i(int v) {
        return Constant.ofInt(v);
    }
}
