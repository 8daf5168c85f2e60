package io.squall.jit.ir;

import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.UnaryOp;

/** Evaluates instructions on constants with Java semantics; null when the result is not a compile-time constant. */
public final class Folding {
    private Folding() {}

    public static Constant binary(BinaryOperator op, Constant a, Constant b) {
        ScalarType t = a.type();
        if (t.isFloat()) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            double r;
            switch (op) {
                case ADD -> r = t == ScalarType.F32 ? (double) ((float) x + (float) y) : x + y;
                case SUB -> r = t == ScalarType.F32 ? (double) ((float) x - (float) y) : x - y;
                case MUL -> r = t == ScalarType.F32 ? (double) ((float) x * (float) y) : x * y;
                case DIV -> r = t == ScalarType.F32 ? (double) ((float) x / (float) y) : x / y;
                case REM -> r = t == ScalarType.F32 ? (double) ((float) x % (float) y) : x % y;
                default -> {
                    return null;
                }
            }
            return t == ScalarType.F16 ? null : Constant.ofFloating(t, r);
        }
        long x = a.longValue();
        long y = b.longValue();
        if (t == ScalarType.I64) {
            Long r = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> y == 0 ? null : x / y;
                case REM -> y == 0 ? null : x % y;
                case AND -> x & y;
                case OR -> x | y;
                case XOR -> x ^ y;
                case SHL -> x << y;
                case SHR -> x >> y;
                case USHR -> x >>> y;
            };
            return r == null ? null : Constant.ofLong(r);
        }
        int xi = (int) x;
        int yi = (int) y;
        Integer r = switch (op) {
            case ADD -> xi + yi;
            case SUB -> xi - yi;
            case MUL -> xi * yi;
            case DIV -> yi == 0 ? null : xi / yi;
            case REM -> yi == 0 ? null : xi % yi;
            case AND -> xi & yi;
            case OR -> xi | yi;
            case XOR -> xi ^ yi;
            case SHL -> xi << yi;
            case SHR -> xi >> yi;
            case USHR -> xi >>> yi;
        };
        return r == null ? null : Constant.ofInteger(t, r);
    }

    public static Constant unary(UnaryOp op, Constant a) {
        ScalarType t = a.type();
        return switch (op) {
            case NEG ->
                t == ScalarType.F16
                        ? null
                        : t.isFloat()
                                ? Constant.ofFloating(t, -a.doubleValue())
                                : Constant.ofInteger(t, -a.longValue());
            case NOT -> t.isFloat() ? null : Constant.ofInteger(t, ~a.longValue());
        };
    }

    public static Constant compare(Predicate p, boolean unordered, Constant a, Constant b) {
        int c;
        if (a.type().isFloat()) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Constant.ofBool(unordered);
            }
            c = Double.compare(x == 0 ? 0.0 : x, y == 0 ? 0.0 : y);
        } else {
            c = Long.compare(a.longValue(), b.longValue());
        }
        return Constant.ofBool(
                switch (p) {
                    case EQ -> c == 0;
                    case NE -> c != 0;
                    case LT -> c < 0;
                    case LE -> c <= 0;
                    case GT -> c > 0;
                    case GE -> c >= 0;
                });
    }

    public static Constant convert(ConversionKind kind, Constant c, ScalarType to) {
        ScalarType from = c.type();
        switch (kind) {
            case BITCAST -> {
                return from.bits() == to.bits()
                        ? new Constant(
                                to,
                                to.isFloat()
                                        ? c.bits() & mask(to)
                                        : Constant.ofInteger(to, c.bits()).bits())
                        : null;
            }
            case ZERO_EXTEND -> {
                return from.isFloat() ? null : Constant.ofInteger(to, c.bits() & mask(from));
            }
            default -> {
                if (from.isFloat() && to.isFloat()) {
                    return Constant.ofFloating(
                            to, from == ScalarType.F32 ? (double) (float) c.doubleValue() : c.doubleValue());
                }
                if (from.isFloat()) {
                    double d = c.doubleValue();
                    long v = to == ScalarType.I64 ? (long) d : (int) d; // Java: saturating, NaN -> 0
                    return Constant.ofInteger(to, v);
                }
                if (to.isFloat()) {
                    long v = c.longValue();
                    return Constant.ofFloating(to, to == ScalarType.F32 ? (double) (float) v : (double) v);
                }
                return Constant.ofInteger(to, c.longValue());
            }
        }
    }

    private static long mask(ScalarType t) {
        return t.bits() == 64 ? -1L : (1L << t.bits()) - 1;
    }
}
