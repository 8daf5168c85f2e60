package io.squall.backend.opencl.codegen;

import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Type;
import io.squall.jit.ir.VectorType;

/** OpenCL C spelling of IR types and constants. f16 values live widened in float (no cl_khr_fp16 needed). */
final class OpenCLTypes {
    private OpenCLTypes() {}

    static String of(Type t) {
        return switch (t) {
            case ScalarType s -> scalar(s);
            case PointerType p ->
                space(p.space()) + (p.element() == ScalarType.F16 ? "half" : scalar(p.element())) + "*";
            case VectorType v -> scalar(v.element()) + v.lanes();
        };
    }

    static String scalar(ScalarType s) {
        return switch (s) {
            case I1 -> "bool";
            case I8 -> "char";
            case I16 -> "short";
            case I32 -> "int";
            case I64 -> "long";
            case F16, F32 -> "float";
            case F64 -> "double";
        };
    }

    static String unsigned(ScalarType s) {
        return switch (s) {
            case I8 -> "uchar";
            case I16 -> "ushort";
            case I32 -> "uint";
            case I64 -> "ulong";
            default -> throw new IllegalArgumentException("no unsigned " + s);
        };
    }

    static String space(AddressSpace s) {
        return switch (s) {
            case GLOBAL -> "__global ";
            case LOCAL -> "__local ";
            case PRIVATE -> "";
        };
    }

    static String constant(Constant c) {
        return switch (c.type()) {
            case I1 -> c.bits() != 0 ? "true" : "false";
            case I8 -> "((char)" + c.bits() + ")";
            case I16 -> "((short)" + c.bits() + ")";
            case I32 -> c.bits() == Integer.MIN_VALUE ? "(-2147483647-1)" : Long.toString(c.bits());
            case I64 -> c.bits() == Long.MIN_VALUE ? "(-9223372036854775807L-1L)" : c.bits() + "L";
            case F16, F32 -> floating((float) c.doubleValue());
            case F64 -> floating(c.doubleValue());
        };
    }

    private static String floating(float f) {
        if (Float.isNaN(f)) {
            return "NAN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "INFINITY" : "(-INFINITY)";
        }
        return "(" + Float.toHexString(f) + "f)";
    }

    private static String floating(double d) {
        if (Double.isNaN(d)) {
            return "((double)NAN)";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "((double)INFINITY)" : "(-(double)INFINITY)";
        }
        return "(" + Double.toHexString(d) + ")";
    }
}
