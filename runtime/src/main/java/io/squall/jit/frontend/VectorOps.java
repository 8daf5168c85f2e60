package io.squall.jit.frontend;

import io.squall.jit.frontend.FrameValue.ArrayRef;
import io.squall.jit.frontend.FrameValue.Val;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.VectorLoadKind;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Value;
import io.squall.jit.ir.VectorType;

import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * Float4, Float8 and Float16 as vector values of the IR (OpenCL C's float4/8/16, lanes elsewhere). A kernel gets one from
 * a static factory ({@code loadFromArray}, {@code loadFromBytes}, {@code loadLowNibbles}, {@code loadHighNibbles},
 * {@code broadcast}); the static operations on such values ({@code add}, {@code sub}, {@code mult}, {@code div}, with a
 * vector or a float, {@code fma}, {@code sum}, {@code dot}) and {@code get} with a constant lane compile to vector
 * instructions. Objects made with {@code new} keep the older form (inlined Java over a private array); the two do not
 * mix, which the error says.
 */
final class VectorOps {
    private static final String VECTORS = "io/squall/api/types/vectors/";
    private static final String SUPPORTED =
            "loadFromArray, loadFromBytes, loadLowNibbles, loadHighNibbles, broadcast, add, sub, mult, div, fma, sum,"
                    + " dot, get(constant lane)";

    private VectorOps() {}

    /** The vector type of a FloatN class, or null for other classes. */
    static VectorType typeOf(String owner) {
        return switch (owner) {
            case VECTORS + "Float4" -> new VectorType(ScalarType.F32, 4);
            case VECTORS + "Float8" -> new VectorType(ScalarType.F32, 8);
            case VECTORS + "Float16" -> new VectorType(ScalarType.F32, 16);
            default -> null;
        };
    }

    static boolean isVector(FrameValue v) {
        return v instanceof Val val && val.value().type() instanceof VectorType;
    }

    /**
     * A static call on a FloatN class that makes or combines vector values: compiled here (true), or left to the
     * inliner (false) when its arguments are FloatN objects of the older form.
     */
    static boolean invokeStatic(MethodParser p, String owner, String name, MethodTypeDesc type, String shown) {
        VectorType t = typeOf(owner);
        if (t == null) {
            return false;
        }
        List<FrameValue> stack = p.state().stack;
        List<FrameValue> args = stack.subList(stack.size() - type.parameterCount(), stack.size());
        String params =
                type.descriptorString().substring(0, type.descriptorString().indexOf(')') + 1);
        String self = "L" + owner + ";";
        boolean factory = name.startsWith("load") || name.equals("broadcast");
        boolean anyVector = args.stream().anyMatch(VectorOps::isVector);
        if (!factory && !anyVector) {
            return false; // FloatN objects: the host methods are inlined as before
        }
        IrBuilder b = p.builder();
        FrameState s = p.state();
        String signature = name + params;
        if (signature.equals("loadFromArray(Lio/squall/api/types/arrays/FloatArray;I)")) {
            load(p, t, VectorLoadKind.ELEMENTS, ScalarType.F32, shown);
            return true;
        }
        VectorLoadKind bytes = switch (signature) {
            case "loadFromBytes(Lio/squall/api/types/arrays/ByteArray;I)" -> VectorLoadKind.SIGNED_BYTES;
            case "loadLowNibbles(Lio/squall/api/types/arrays/ByteArray;I)" -> VectorLoadKind.LOW_NIBBLES;
            case "loadHighNibbles(Lio/squall/api/types/arrays/ByteArray;I)" -> VectorLoadKind.HIGH_NIBBLES;
            default -> null;
        };
        if (bytes != null) {
            load(p, t, bytes, ScalarType.I8, shown);
            return true;
        }
        if (signature.equals("broadcast(F)")) {
            s.push(new Val(b.vectorBroadcast(t, p.valueOf(s.pop()))));
            return true;
        }
        if (!args.stream().allMatch(a -> isVector(a) || !(a instanceof FrameValue.Obj))) {
            throw p.error(
                    "`" + shown + "` mixing a vector value with a `new` " + owner.substring(VECTORS.length()),
                    "is not supported in kernels (make every operand with loadFromArray, loadFromBytes or broadcast)");
        }
        BinaryOperator op = switch (name) {
            case "add" -> BinaryOperator.ADD;
            case "sub" -> BinaryOperator.SUB;
            case "mult" -> BinaryOperator.MUL;
            case "div" -> BinaryOperator.DIV;
            default -> null;
        };
        if (op != null && params.equals("(" + self + self + ")")) {
            Value right = vector(p, s.pop(), t, shown);
            Value left = vector(p, s.pop(), t, shown);
            s.push(new Val(b.binary(op, left, right)));
            return true;
        }
        if (op != null && params.equals("(" + self + "F)")) {
            Value right = b.vectorBroadcast(t, p.valueOf(s.pop()));
            Value left = vector(p, s.pop(), t, shown);
            s.push(new Val(b.binary(op, left, right)));
            return true;
        }
        if (signature.equals("fma(" + self + self + self + ")")) {
            Value c = vector(p, s.pop(), t, shown);
            Value bv = vector(p, s.pop(), t, shown);
            Value a = vector(p, s.pop(), t, shown);
            s.push(new Val(b.math(MathFunction.FMA, List.of(a, bv, c))));
            return true;
        }
        if (signature.equals("sum(" + self + ")")) {
            s.push(new Val(b.vectorSum(vector(p, s.pop(), t, shown))));
            return true;
        }
        if (signature.equals("dot(" + self + self + ")")) {
            Value right = vector(p, s.pop(), t, shown);
            Value left = vector(p, s.pop(), t, shown);
            s.push(new Val(b.vectorSum(b.binary(BinaryOperator.MUL, left, right))));
            return true;
        }
        throw p.error(
                "`" + shown + "` on vector values",
                "is not supported in kernels (vector values support " + SUPPORTED + ")");
    }

    /** An instance call on a vector value: {@code get} of a constant lane. */
    static void invokeOnVector(MethodParser p, Val receiver, String name, MethodTypeDesc type, String shown) {
        FrameState s = p.state();
        VectorType t = (VectorType) receiver.value().type();
        if (name.equals("get") && type.descriptorString().equals("(I)F")) {
            Value lane = p.valueOf(s.pop());
            s.pop();
            if (!(lane instanceof Constant c) || c.longValue() < 0 || c.longValue() >= t.lanes()) {
                throw p.error(
                        "`" + shown + "` with a lane that is not a constant in 0.." + (t.lanes() - 1),
                        "is not supported in kernels (a vector value's lane must be known when the kernel compiles)");
            }
            s.push(new Val(p.builder().vectorExtract(receiver.value(), (int) c.longValue())));
            return;
        }
        throw p.error(
                "`" + shown + "` on a vector value",
                "is not supported in kernels (vector values are immutable: they support " + SUPPORTED + ")");
    }

    private static void load(MethodParser p, VectorType t, VectorLoadKind kind, ScalarType element, String shown) {
        FrameState s = p.state();
        Value index = p.valueOf(s.pop());
        FrameValue array = s.pop();
        if (!(array instanceof ArrayRef a) || a.element() != element) {
            throw p.error("`" + shown + "` on something other than a kernel array of " + element + " elements");
        }
        p.ctx().markRead(a);
        s.push(new Val(p.builder().vectorLoad(t, kind, a.base(), index)));
    }

    private static Value vector(MethodParser p, FrameValue v, VectorType t, String shown) {
        if (v instanceof Val val && val.value().type().equals(t)) {
            return val.value();
        }
        throw p.error("`" + shown + "` on an operand that is not a " + t + " vector value");
    }
}
