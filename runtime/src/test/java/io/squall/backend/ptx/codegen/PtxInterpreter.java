package io.squall.backend.ptx.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference interpreter for the straight-line-and-branch PTX subset the software math functions use, with IEEE
 * semantics taken from Java (which has the same round-to-nearest arithmetic and fma). It lets the test check the
 * accuracy of the generated {@code .func}s against StrictMath without a GPU.
 */
final class PtxInterpreter {
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    PtxInterpreter(String func) {
        for (String raw : func.split("\n")) {
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith(".") || l.equals("{") || l.equals("}") || l.startsWith("//")) {
                continue;
            }
            if (l.endsWith(":")) {
                labels.put(l.substring(0, l.length() - 1), lines.size());
            } else {
                lines.add(l.endsWith(";") ? l.substring(0, l.length() - 1) : l);
            }
        }
    }

    /** Runs the function with raw-bit parameters (in declaration order _a, _b) and returns the raw bits of its result. */
    long run(long... args) {
        Map<String, Long> regs = new HashMap<>();
        long result = 0;
        int pc = 0;
        int steps = 0;
        while (pc < lines.size()) {
            if (++steps > 1_000_000) {
                throw new IllegalStateException("no termination");
            }
            String l = lines.get(pc++);
            if (l.startsWith("@")) {
                int sp = l.indexOf(' ');
                String g = l.substring(1, sp);
                boolean neg = g.startsWith("!");
                boolean p = regs.get(neg ? g.substring(1) : g) != 0;
                if (p == neg) {
                    continue;
                }
                l = l.substring(sp + 1);
            }
            int sp = l.indexOf(' ');
            String opcode = sp < 0 ? l : l.substring(0, sp);
            String[] ops = sp < 0 ? new String[0] : l.substring(sp + 1).split(",\\s*");
            String[] parts = opcode.split("\\.");
            String op = parts[0];
            String type = parts[parts.length - 1];
            switch (op) {
                case "ret" -> {
                    return result;
                }
                case "bra" -> {
                    pc = labels.get(ops[0]);
                    continue;
                }
                case "ld" -> {
                    String p = ops[1].substring(1, ops[1].length() - 1);
                    regs.put(ops[0], args[p.endsWith("_a") ? 0 : 1]);
                    continue;
                }
                case "st" -> {
                    result = value(regs, ops[1]);
                    continue;
                }
                default -> {}
            }
            long a = ops.length > 1 ? value(regs, ops[1]) : 0;
            long b = ops.length > 2 ? value(regs, ops[2]) : 0;
            long c = ops.length > 3 ? value(regs, ops[3]) : 0;
            long r = switch (op) {
                case "mov" -> a;
                case "abs" -> fl(type, Math.abs(d(type, a)));
                case "neg" -> fl(type, -d(type, a));
                case "min", "max" -> {
                    double x = d(type, a), y = d(type, b);
                    yield fl(
                            type,
                            Double.isNaN(x)
                                    ? y
                                    : Double.isNaN(y) ? x : op.equals("min") ? Math.min(x, y) : Math.max(x, y));
                }
                case "add", "sub", "mul", "div" -> {
                    if (type.equals("s32")) {
                        int x = (int) a, y = (int) b;
                        yield op.equals("add") ? x + y : op.equals("sub") ? x - y : op.equals("mul") ? x * y : x / y;
                    }
                    if (type.equals("f32")) {
                        float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
                        float z =
                                op.equals("add") ? x + y : op.equals("sub") ? x - y : op.equals("mul") ? x * y : x / y;
                        yield Float.floatToRawIntBits(z) & 0xFFFFFFFFL;
                    }
                    double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
                    yield Double.doubleToRawLongBits(
                            op.equals("add") ? x + y : op.equals("sub") ? x - y : op.equals("mul") ? x * y : x / y);
                }
                case "fma" ->
                    Double.doubleToRawLongBits(Math.fma(
                            Double.longBitsToDouble(a), Double.longBitsToDouble(b), Double.longBitsToDouble(c)));
                case "rcp" -> Double.doubleToRawLongBits(1 / Double.longBitsToDouble(a));
                case "shr" -> type.equals("s32") ? (int) a >> b : a >>> b;
                case "shl" -> a << b;
                case "and" -> type.equals("pred") ? a & b : a & b;
                case "or" -> a | b;
                case "not" -> a ^ 1;
                case "cvt" -> cvt(parts, a);
                case "setp" -> setp(parts[1], type, a, b) ? 1 : 0;
                case "selp" -> c != 0 ? a : b;
                default -> throw new IllegalArgumentException("interpreter lacks " + l);
            };
            regs.put(ops[0], r);
        }
        throw new IllegalStateException("fell off the end");
    }

    private static long value(Map<String, Long> regs, String operand) {
        if (operand.startsWith("%")) {
            Long v = regs.get(operand);
            if (v == null) {
                throw new IllegalStateException("read of unset register " + operand);
            }
            return v;
        }
        if (operand.startsWith("0d") || operand.startsWith("0x")) {
            return Long.parseUnsignedLong(operand.substring(2), 16);
        }
        if (operand.startsWith("0f")) {
            return Long.parseLong(operand.substring(2), 16);
        }
        return Long.parseLong(operand);
    }

    private static double d(String type, long bits) {
        return type.equals("f32") ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
    }

    private static long fl(String type, double v) {
        return type.equals("f32") ? Float.floatToRawIntBits((float) v) & 0xFFFFFFFFL : Double.doubleToRawLongBits(v);
    }

    private static long cvt(String[] parts, long a) {
        String mode = parts.length == 4 ? parts[1] : "";
        String to = parts[parts.length - 2], from = parts[parts.length - 1];
        if (from.equals("f64")) {
            double x = Double.longBitsToDouble(a);
            double r = switch (mode) {
                case "rni" -> Math.rint(x);
                case "rzi" -> x < 0 ? Math.ceil(x) : Math.floor(x);
                default -> x;
            };
            return switch (to) {
                case "f64" -> Double.doubleToRawLongBits(r);
                case "s32" -> (int) r;
                case "s64" -> (long) r;
                default -> throw new IllegalArgumentException("cvt to " + to);
            };
        }
        return switch (to + "." + from) {
            case "u64.u32" -> a & 0xFFFFFFFFL;
            case "u32.u64" -> (int) a;
            case "f64.s32" -> Double.doubleToRawLongBits((int) a);
            default -> throw new IllegalArgumentException("cvt " + to + "." + from);
        };
    }

    private static boolean setp(String cmp, String type, long a, long b) {
        if (type.startsWith("s") || type.startsWith("u")) {
            long x = type.endsWith("32") ? (int) a : a, y = type.endsWith("32") ? (int) b : b;
            if (type.startsWith("u")) {
                x = type.endsWith("32") ? x & 0xFFFFFFFFL : x;
                y = type.endsWith("32") ? y & 0xFFFFFFFFL : y;
            }
            int c = type.startsWith("u") && type.endsWith("64") ? Long.compareUnsigned(x, y) : Long.compare(x, y);
            return compare(cmp, c);
        }
        double x = d(type, a), y = d(type, b);
        boolean nan = Double.isNaN(x) || Double.isNaN(y);
        if (cmp.equals("nan")) {
            return nan;
        }
        boolean unordered = cmp.length() == 3 && cmp.endsWith("u");
        if (nan) {
            return unordered;
        }
        String base = unordered ? cmp.substring(0, 2) : cmp;
        return compare(base, x < y ? -1 : x > y ? 1 : 0);
    }

    private static boolean compare(String cmp, int c) {
        return switch (cmp) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            default -> throw new IllegalArgumentException(cmp);
        };
    }
}
