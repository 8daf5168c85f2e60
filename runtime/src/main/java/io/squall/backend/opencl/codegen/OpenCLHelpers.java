package io.squall.backend.opencl.codegen;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helper functions the generated code calls, emitted once and only when used. */
final class OpenCLHelpers {
    private final Map<String, String> definitions = new LinkedHashMap<>();

    String text() {
        return String.join("\n", definitions.values()) + (definitions.isEmpty() ? "" : "\n");
    }

    /** Java's Math.min/max on floats: NaN if either operand is NaN (OpenCL fmin/fmax return the other operand). */
    String minMax(String which, String type) {
        String name = "squall_" + which + "_" + type;
        definitions.computeIfAbsent(
                name,
                n -> "static inline " + type + " " + n + "(" + type + " a, " + type
                        + " b) { return isnan(a) || isnan(b) ? a + b : f" + which + "(a, b); }\n");
        return name;
    }

    /** Java's float-to-integer conversion: round toward zero, saturate, NaN gives 0 (convert_*_sat_rtz leaves NaN undefined). */
    String floatToInt(String intType, String floatType) {
        String name = "squall_" + floatType + "_to_" + intType;
        definitions.computeIfAbsent(
                name,
                n -> "static inline " + intType + " " + n + "(" + floatType + " x) { return isnan(x) ? 0 : convert_"
                        + intType + "_sat_rtz(x); }\n");
        return name;
    }

    /** Rounds a float to the nearest binary16 value (round to nearest even, as Float.floatToFloat16), kept as float. */
    String roundToHalf() {
        definitions.computeIfAbsent("squall_round_half", n -> """
                static inline float squall_round_half(float x) { ushort h; vstore_half(x, 0, (half*)&h); return vload_half(0, (const half*)&h); }
                """);
        return "squall_round_half";
    }

    String halfBits() {
        definitions.computeIfAbsent("squall_half_bits", n -> """
                static inline short squall_half_bits(float x) { ushort h; vstore_half(x, 0, (half*)&h); return (short)h; }
                """);
        return "squall_half_bits";
    }

    String bitsToHalf() {
        definitions.computeIfAbsent("squall_bits_half", n -> """
                static inline float squall_bits_half(short b) { ushort h = (ushort)b; return vload_half(0, (const half*)&h); }
                """);
        return "squall_bits_half";
    }

    /** Atomic multiplication of int or long by compare-and-swap (OpenCL has no atomic multiply). */
    String intAtomicMul(String type, String space) {
        String name = "squall_atomic_mul_" + type + "_" + space.trim().replace("__", "");
        String cas = type.equals("int") ? "atomic_cmpxchg" : "atom_cmpxchg";
        definitions.computeIfAbsent(
                name,
                n -> "static " + type + " " + n + "(volatile " + space + type + "* p, " + type + " v) {\n"
                        + "    " + type + " old;\n"
                        + "    do { old = *p; } while (" + cas + "(p, old, old * v) != old);\n"
                        + "    return old;\n}\n");
        return name;
    }

    /** Atomic add/min/max/mul on float or double by compare-and-swap on the bits (OpenCL 1.2 has no float atomics). */
    String floatAtomic(String op, String type, String space) {
        String name = "squall_atomic_" + op + "_" + type + "_" + space.trim().replace("__", "");
        String bits = type.equals("float") ? "uint" : "ulong";
        String cas = type.equals("float") ? "atomic_cmpxchg" : "atom_cmpxchg";
        String combine = switch (op) {
            case "add" -> "old.f + v";
            case "mul" -> "old.f * v";
            case "min" -> minMax("min", type) + "(old.f, v)";
            default -> minMax("max", type) + "(old.f, v)";
        };
        definitions.computeIfAbsent(
                name,
                n -> "static " + type + " " + n + "(volatile " + space + type + "* p, " + type + " v) {\n"
                        + "    union { " + bits + " u; " + type + " f; } old, next;\n"
                        + "    do { old.f = *p; next.f = " + combine + "; } while (" + cas + "((volatile " + space
                        + bits + "*)p, old.u, next.u) != old.u);\n"
                        + "    return old.f;\n}\n");
        return name;
    }
}
