package io.squall.jit.frontend;

import io.squall.api.enums.MMAShape;
import io.squall.jit.frontend.FrameValue.ArrayRef;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.MmaKind;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Value;

import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * KernelContext's tensor-core API (TornadoVM's mma*) as IR. A fragment is a private array of constant size (4 floats
 * or ints, 8 or 4 halves, 16 or 8 bytes), read and written only at constant indices, so the PTX code generator keeps it
 * in registers. The loads from the local tile and the stores to the global result are plain IR loads and stores
 * computed from the lane ({@code %laneid}) as KernelContext's layout comment specifies; only the multiply-accumulate
 * itself is an instruction of its own ({@link io.squall.jit.ir.Instruction.MatrixMultiplyAccumulate}). Plain
 * {@code ld.shared} rather than {@code ldmatrix}: each lane's A pairs are whole words of the int-packed tile (4 loads,
 * with the same 2-way bank pattern as {@code ldmatrix} on these 32-byte rows), the int8/fp8 B tile's byte pairs are not
 * a layout {@code ldmatrix} reads, and ordinary loads keep the access checks and every backend's load path.
 *
 * <p>{@code acc = ctx.mma(a, b, acc, shape)} accumulates into {@code acc}'s registers and returns that same fragment,
 * so a loop carries one fragment (the JVM returns a new array; a kernel that keeps reading the old fragment after the
 * call would see D on a GPU: use the returned fragment, as TornadoVM's tests do).
 */
final class MmaLowering {
    private static final String HALVES = "[L" + Intrinsics.HALF_FLOAT + ";";

    private MmaLowering() {}

    static boolean handles(String name) {
        return switch (name) {
            case "mmaFragment",
                    "mmaFragmentInt",
                    "mmaLoadA",
                    "mmaLoadB",
                    "mmaLoadBSwizzled",
                    "mmaStoreBSwizzled",
                    "mma",
                    "mmaBF16",
                    "mmaStore",
                    "mmaLoadAInt8",
                    "mmaLoadBInt8",
                    "mmaInt8",
                    "mmaStoreInt",
                    "mmaLoadAFP8",
                    "mmaLoadBFP8",
                    "mmaFP8E4M3",
                    "mmaFP8E5M2" -> true;
            default -> false;
        };
    }

    /** The call's arguments are on the operand stack above the context. */
    static void lower(MethodParser p, String name, MethodTypeDesc type) {
        Lowering l = new Lowering(p, name);
        FrameValue[] args = new FrameValue[type.parameterCount()];
        for (int i = args.length - 1; i >= 0; i--) {
            args[i] = p.state().pop();
        }
        p.state().pop(); // the context
        FrameValue result = switch (name) {
            case "mmaFragment" -> l.filled(ScalarType.F32, "[F", p.valueOf(args[0]));
            case "mmaFragmentInt" -> l.filled(ScalarType.I32, "[I", p.valueOf(args[0]));
            case "mmaLoadA" -> l.loadHalfA(l.intTile(args[0]), l.k(args[1], 16), l.offset(args, 2));
            case "mmaLoadB" -> l.loadHalfB(l.intTile(args[0]), l.k(args[1], 16), l.offset(args, 2));
            case "mmaLoadBSwizzled" -> l.loadHalfBSwizzled(l.array(args[0]), l.k(args[1], 16), l.offset(args, 2));
            case "mmaStoreBSwizzled" -> l.storeSwizzled(args);
            case "mmaLoadAInt8", "mmaLoadAFP8" -> l.loadByteA(l.intTile(args[0]), l.k(args[1], 32));
            case "mmaLoadBInt8", "mmaLoadBFP8" -> l.loadByteB(l.intTile(args[0]), l.k(args[1], 32));
            case "mma" -> l.mma(MmaKind.F16_F32, args, MMAShape.M16N8K16);
            case "mmaBF16" -> l.mma(MmaKind.BF16_F32, args, MMAShape.M16N8K16);
            case "mmaInt8" -> l.mma(MmaKind.S8_S32, args, MMAShape.M16N8K32);
            case "mmaFP8E4M3" -> l.mma(MmaKind.E4M3_F32, args, MMAShape.M16N8K32);
            case "mmaFP8E5M2" -> l.mma(MmaKind.E5M2_F32, args, MMAShape.M16N8K32);
            case "mmaStore" -> l.store(args, ScalarType.F32);
            case "mmaStoreInt" -> l.store(args, ScalarType.I32);
            default -> throw new IllegalStateException("not a tensor-core method: " + name);
        };
        if (result != null) {
            p.state().push(result);
        }
    }

    private static final class Lowering {
        final MethodParser p;
        final IrBuilder b;
        final String method;
        Value laneValue;

        Lowering(MethodParser p, String method) {
            this.p = p;
            this.b = p.builder();
            this.method = method;
        }

        // ---- the lane's coordinates: g = lane / 4 (row of A and D, column of B), t = lane % 4

        Value lane() {
            if (laneValue == null) {
                laneValue = b.subGroup(SubGroupOperation.LOCAL_ID, ScalarType.I32, List.of());
            }
            return laneValue;
        }

        Value g() {
            return b.binary(BinaryOperator.SHR, lane(), Constant.ofInt(2));
        }

        Value t() {
            return b.binary(BinaryOperator.AND, lane(), Constant.ofInt(3));
        }

        Value add(Value x, Value y) {
            return b.binary(BinaryOperator.ADD, x, y);
        }

        Value add(Value x, int y) {
            return y == 0 ? x : b.binary(BinaryOperator.ADD, x, Constant.ofInt(y));
        }

        Value mul(Value x, int y) {
            return b.binary(BinaryOperator.MUL, x, Constant.ofInt(y));
        }

        // ---- arguments

        ArrayRef array(FrameValue v) {
            if (v instanceof ArrayRef a) {
                return a;
            }
            throw p.error("KernelContext." + method + " on something other than an array");
        }

        ArrayRef intTile(FrameValue v) {
            ArrayRef a = array(v);
            if (a.element() != ScalarType.I32) {
                throw p.error("KernelContext." + method + " on a " + a.typeName() + " tile (it reads an int[] tile)");
            }
            return a;
        }

        int k(FrameValue v, int expected) {
            if (!(p.valueOf(v) instanceof Constant c) || c.longValue() != expected) {
                throw p.error(
                        "KernelContext." + method + " with a K other than the constant " + expected,
                        "(the tile's K is " + expected + " for this instruction shape)");
            }
            return expected;
        }

        /**
         * The optional byte offset (argument {@code index}): a constant is checked here, as the JVM checks every offset;
         * one computed at run time is taken as given (rounded down to a word on a GPU, where the JVM would throw).
         */
        Value offset(FrameValue[] args, int index) {
            if (args.length <= index) {
                return Constant.ofInt(0);
            }
            Value off = p.valueOf(args[index]);
            if (off instanceof Constant c && (c.longValue() < 0 || c.longValue() % 16 != 0)) {
                throw p.error(
                        "KernelContext." + method + " with byteOffset " + c.longValue(),
                        "(not a non-negative multiple of 16: ldmatrix rows are 16-byte aligned)");
            }
            return off;
        }

        ArrayRef fragment(FrameValue v, ScalarType element, int length, String what) {
            ArrayRef a = array(v);
            if (a.element() != element || !(a.length() instanceof Constant c) || c.longValue() != length) {
                throw p.error("KernelContext." + method + " with " + what + " of " + a.length() + " " + a.element()
                        + " elements (a fragment of this shape has " + length + " " + element + ")");
            }
            return a;
        }

        // ---- fragments

        ArrayRef filled(ScalarType t, String javaType, Value v) {
            ArrayRef f = p.privateArray(t, false, javaType, 4);
            for (int i = 0; i < 4; i++) {
                b.store(f.base(), Constant.ofInt(i), v);
            }
            return f;
        }

        Value word(ArrayRef tile, Value index) {
            p.ctx().markRead(tile);
            return b.load(tile.base(), index);
        }

        Value half(Value word, int shift) {
            Value x = shift == 0 ? word : b.binary(BinaryOperator.USHR, word, Constant.ofInt(shift));
            return b.convert(
                    ConversionKind.BITCAST, b.convert(ConversionKind.NUMERIC, x, ScalarType.I16), ScalarType.F16);
        }

        Value halfAt(Value word, Value shift) {
            Value x = b.binary(BinaryOperator.USHR, word, shift);
            return b.convert(
                    ConversionKind.BITCAST, b.convert(ConversionKind.NUMERIC, x, ScalarType.I16), ScalarType.F16);
        }

        Value byteAt(Value word, Value shift) {
            return b.convert(ConversionKind.NUMERIC, b.binary(BinaryOperator.USHR, word, shift), ScalarType.I8);
        }

        /** A (16x16 halves, rows of 32 bytes): a[2j..2j+1] = A[g + 8 (j & 1)][2t + 8 (j >> 1) ..], one word each. */
        ArrayRef loadHalfA(ArrayRef tile, int k, Value byteOffset) {
            ArrayRef f = p.privateArray(ScalarType.F16, false, HALVES, 8);
            Value base = add(b.binary(BinaryOperator.SHR, byteOffset, Constant.ofInt(2)), add(mul(g(), 8), t()));
            for (int j = 0; j < 4; j++) {
                Value w = word(tile, add(base, (j & 1) * 64 + (j >> 1) * 4));
                b.store(f.base(), Constant.ofInt(2 * j), half(w, 0));
                b.store(f.base(), Constant.ofInt(2 * j + 1), half(w, 16));
            }
            return f;
        }

        /** B (16x8 halves, rows of 16 bytes): b[i] = B[2t + (i & 1) + 8 (i >> 1)][g], half (g & 1) of its word. */
        ArrayRef loadHalfB(ArrayRef tile, int k, Value byteOffset) {
            ArrayRef f = p.privateArray(ScalarType.F16, false, HALVES, 4);
            Value g = g();
            Value base = add(
                    b.binary(BinaryOperator.SHR, byteOffset, Constant.ofInt(2)),
                    add(mul(t(), 8), b.binary(BinaryOperator.SHR, g, Constant.ofInt(1))));
            Value shift = mul(b.binary(BinaryOperator.AND, g, Constant.ofInt(1)), 16);
            for (int i = 0; i < 4; i++) {
                Value w = word(tile, add(base, ((i & 1) + (i >> 1) * 8) * 4));
                b.store(f.base(), Constant.ofInt(i), halfAt(w, shift));
            }
            return f;
        }

        /** As loadHalfB from a HalfFloat tile swizzled with stride 32 (KernelContext.swizzleStride32), at byteOffset. */
        ArrayRef loadHalfBSwizzled(ArrayRef tile, int k, Value byteOffset) {
            if (tile.element() != ScalarType.F16) {
                throw p.error(
                        "KernelContext." + method + " on a " + tile.typeName() + " tile (it reads a HalfFloat[])");
            }
            ArrayRef f = p.privateArray(ScalarType.F16, false, HALVES, 4);
            Value g = g();
            Value t = t();
            for (int i = 0; i < 4; i++) {
                Value row = add(mul(t, 2), (i & 1) + (i >> 1) * 8);
                Value bytes = mul(add(mul(row, 8), g), 2);
                Value index = b.binary(BinaryOperator.SHR, add(byteOffset, swizzle(bytes)), Constant.ofInt(1));
                p.ctx().markRead(tile);
                b.store(f.base(), Constant.ofInt(i), b.load(tile.base(), index));
            }
            return f;
        }

        /** x ^ (((x >> 7) & 7) << 4): KernelContext.swizzleStride32 on a byte offset. */
        Value swizzle(Value bytes) {
            Value bank = b.binary(
                    BinaryOperator.SHL,
                    b.binary(
                            BinaryOperator.AND,
                            b.binary(BinaryOperator.SHR, bytes, Constant.ofInt(7)),
                            Constant.ofInt(7)),
                    Constant.ofInt(4));
            return b.binary(BinaryOperator.XOR, bytes, bank);
        }

        /** mmaStoreBSwizzled(arr, row, col, stride, value, byteOffset): arr[(swizzle((row * stride + col) * 2) + byteOffset) / 2]. */
        FrameValue storeSwizzled(FrameValue[] args) {
            ArrayRef tile = array(args[0]);
            Value bytes = mul(
                    add(b.binary(BinaryOperator.MUL, p.valueOf(args[1]), p.valueOf(args[3])), p.valueOf(args[2])), 2);
            Value index = b.binary(BinaryOperator.SHR, add(swizzle(bytes), p.valueOf(args[5])), Constant.ofInt(1));
            p.arrayStore(tile, index, p.valueOf(args[4]));
            return null;
        }

        /** A (16x32 bytes): a[4j..4j+3] = A[g + 8 (j & 1)][4t + 16 (j >> 1) ..], one word each. */
        ArrayRef loadByteA(ArrayRef tile, int k) {
            ArrayRef f = p.privateArray(ScalarType.I8, false, "[B", 16);
            Value base = add(mul(g(), 8), t());
            for (int j = 0; j < 4; j++) {
                Value w = word(tile, add(base, (j & 1) * 64 + (j >> 1) * 4));
                for (int q = 0; q < 4; q++) {
                    b.store(f.base(), Constant.ofInt(4 * j + q), byteAt(w, Constant.ofInt(8 * q)));
                }
            }
            return f;
        }

        /**
         * B (32x8 bytes, row r of the tile holding the pairs B[2r][n], B[2r+1][n]): b[i] = B[kk][g] with kk = 4t + (i & 3)
         * + 16 (i >> 2), at byte (kk / 2) * 16 + 2g + (kk & 1).
         */
        ArrayRef loadByteB(ArrayRef tile, int k) {
            ArrayRef f = p.privateArray(ScalarType.I8, false, "[B", 8);
            Value g = g();
            Value base = add(mul(t(), 8), b.binary(BinaryOperator.SHR, g, Constant.ofInt(1)));
            Value pairShift = mul(b.binary(BinaryOperator.AND, g, Constant.ofInt(1)), 16);
            for (int i = 0; i < 8; i++) {
                int pairRow = ((i & 3) >> 1) + (i >> 2) * 8; // (kk / 2) - 2t
                Value w = word(tile, add(base, pairRow * 4));
                b.store(f.base(), Constant.ofInt(i), byteAt(w, add(pairShift, (i & 1) * 8)));
            }
            return f;
        }

        ArrayRef mma(MmaKind kind, FrameValue[] args, MMAShape expected) {
            if (!(p.valueOf(args[3]) instanceof Constant shape)) {
                throw p.error("KernelContext." + method + " with a shape that is not an MMAShape constant");
            }
            if (shape.longValue() != expected.ordinal()) {
                throw p.error("KernelContext." + method + " computes the shape " + expected + ", not "
                        + MMAShape.values()[(int) shape.longValue()]);
            }
            boolean bytes = kind.k == 32;
            ScalarType in = bytes ? ScalarType.I8 : ScalarType.F16;
            ScalarType acc = kind == MmaKind.S8_S32 ? ScalarType.I32 : ScalarType.F32;
            ArrayRef a = fragment(args[0], in, kind.aElements, "fragA");
            ArrayRef bf = fragment(args[1], in, kind.bElements, "fragB");
            ArrayRef c = fragment(args[2], acc, 4, "fragC");
            b.mma(kind, c.base(), a.base(), bf.base(), c.base());
            return c;
        }

        /** D (16x8): d[i] = D[g + 8 (i >> 1)][2t + (i & 1)], stored at (row, col) of a row-major array of dimN columns. */
        FrameValue store(FrameValue[] args, ScalarType element) {
            ArrayRef d = fragment(args[0], element, 4, "fragD");
            ArrayRef out = array(args[1]);
            Value row = add(p.valueOf(args[2]), g());
            Value col = add(p.valueOf(args[3]), mul(t(), 2));
            Value dimN = p.valueOf(args[4]);
            for (int i = 0; i < 4; i++) {
                Value index = add(b.binary(BinaryOperator.MUL, add(row, (i >> 1) * 8), dimN), add(col, i & 1));
                p.arrayStore(out, index, b.load(d.base(), Constant.ofInt(i)));
            }
            return null;
        }
    }
}
