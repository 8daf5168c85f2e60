package io.squall.backend.spirv.codegen;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small disassembler for the modules this backend writes, used by {@code --printKernel} when spirv-dis is not
 * installed: one instruction per line, {@code %id = OpName %type operands}, ids shown by their OpName when they have
 * one, literals and strings decoded for the instructions that carry them. Opcodes it does not know print as their
 * number and raw words.
 */
public final class SpirvDisassembler {
    private final java.util.Map<Integer, String> names = new java.util.HashMap<>();

    private SpirvDisassembler() {}

    public static String disassemble(SpirvBinary module) {
        return new SpirvDisassembler().text(module.words(), module.version());
    }

    private String text(int[] w, String version) {
        for (int i = 5; i < w.length && (w[i] >>> 16) > 0; i += w[i] >>> 16) {
            if ((w[i] & 0xffff) == Op.Name.code && i + (w[i] >>> 16) <= w.length) {
                String name = string(Arrays.copyOfRange(w, i + 2, i + (w[i] >>> 16)), 0);
                names.put(w[i + 1], name.substring(1, name.length() - 1));
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("; SPIR-V ")
                .append(version)
                .append("\n; Bound: ")
                .append(w[3])
                .append('\n');
        int i = 5;
        while (i < w.length) {
            int count = w[i] >>> 16;
            int code = w[i] & 0xffff;
            if (count == 0 || i + count > w.length) {
                out.append("; malformed instruction at word ").append(i).append('\n');
                break;
            }
            out.append(line(Op.of(code), code, Arrays.copyOfRange(w, i + 1, i + count)))
                    .append('\n');
            i += count;
        }
        return out.toString();
    }

    private String line(Op op, int code, int[] o) {
        if (op == null) {
            StringBuilder sb = new StringBuilder("Op" + code);
            for (int x : o) {
                sb.append(' ').append(x);
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder();
        int k = 0;
        String type = null;
        if (op.hasType) {
            type = id(o[k++]);
        }
        if (op.hasResult) {
            sb.append(String.format("%14s = ", id(o[k++])));
        } else {
            sb.append(" ".repeat(17));
        }
        sb.append("Op").append(op.name());
        if (type != null) {
            sb.append(' ').append(type);
        }
        int[] rest = Arrays.copyOfRange(o, k, o.length);
        sb.append(
                switch (op) {
                    case Name -> " " + id(rest[0]) + " " + string(rest, 1);
                    case ExtInstImport -> " " + string(rest, 0);
                    case EntryPoint ->
                        " Kernel " + id(rest[1]) + " " + string(rest, 2) + ids(rest, 2 + stringWords(rest, 2));
                    case ExecutionMode ->
                        " " + id(rest[0]) + " "
                                + (rest[1] == Spv.EXECUTION_MODE_LOCAL_SIZE
                                        ? "LocalSize"
                                        : rest[1] == Spv.EXECUTION_MODE_CONTRACTION_OFF
                                                ? "ContractionOff"
                                                : Integer.toString(rest[1]))
                                + literals(rest, 2);
                    case Capability -> " " + capability(rest[0]);
                    case MemoryModel ->
                        rest[0] == Spv.ADDRESSING_PHYSICAL64 && rest[1] == Spv.MEMORY_MODEL_OPENCL
                                ? " Physical64 OpenCL"
                                : literals(rest, 0);
                    case Source -> (rest[0] == Spv.SOURCE_OPENCL_C ? " OpenCL_C" : " " + rest[0]) + literals(rest, 1);
                    case TypeInt, TypeFloat -> literals(rest, 0);
                    case TypeVector -> " " + id(rest[0]) + " " + rest[1];
                    case TypePointer, Variable -> " " + storageClass(rest[0]) + ids(rest, 1);
                    case Constant ->
                        " "
                                + (rest.length == 2
                                        ? Long.toString((rest[1] & 0xffffffffL) << 32 | (rest[0] & 0xffffffffL))
                                        : Integer.toString(rest[0]));
                    case Decorate ->
                        " " + id(rest[0]) + " "
                                + (rest[1] == Spv.DECORATION_BUILTIN
                                        ? "BuiltIn " + rest[2]
                                        : rest[1] == Spv.DECORATION_CONSTANT
                                                ? "Constant"
                                                : rest[1] + literals(rest, 2));
                    case ExtInst -> " " + id(rest[0]) + " " + Spv.OpenCLStd.nameOf(rest[1]) + ids(rest, 2);
                    case Function -> " None " + id(rest[1]);
                    case Load -> " " + id(rest[0]) + memoryAccess(rest, 1);
                    case Store -> " " + id(rest[0]) + " " + id(rest[1]) + memoryAccess(rest, 2);
                    case CompositeExtract -> " " + id(rest[0]) + literals(rest, 1);
                    case GroupIAdd, GroupFAdd, GroupFMin, GroupSMin, GroupFMax, GroupSMax ->
                        " " + id(rest[0]) + " Reduce " + id(rest[2]);
                    default -> ids(rest, 0);
                });
        return sb.toString();
    }

    private String id(int x) {
        String name = names.get(x);
        return name == null ? "%" + x : "%" + name;
    }

    private static String capability(int c) {
        return switch (c) {
            case Spv.CAP_ADDRESSES -> "Addresses";
            case Spv.CAP_KERNEL -> "Kernel";
            case Spv.CAP_FLOAT16_BUFFER -> "Float16Buffer";
            case Spv.CAP_FLOAT64 -> "Float64";
            case Spv.CAP_INT64 -> "Int64";
            case Spv.CAP_INT64_ATOMICS -> "Int64Atomics";
            case Spv.CAP_GROUPS -> "Groups";
            case Spv.CAP_INT16 -> "Int16";
            case Spv.CAP_INT8 -> "Int8";
            case Spv.CAP_GROUP_NON_UNIFORM -> "GroupNonUniform";
            case Spv.CAP_GROUP_NON_UNIFORM_SHUFFLE -> "GroupNonUniformShuffle";
            default -> Integer.toString(c);
        };
    }

    private String ids(int[] o, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < o.length; i++) {
            sb.append(' ').append(id(o[i]));
        }
        return sb.toString();
    }

    private static String literals(int[] o, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < o.length; i++) {
            sb.append(' ').append(o[i]);
        }
        return sb.toString();
    }

    private static String memoryAccess(int[] o, int from) {
        return from < o.length && o[from] == Spv.MEMORY_ACCESS_ALIGNED && from + 1 < o.length
                ? " Aligned " + o[from + 1]
                : literals(o, from);
    }

    private static String storageClass(int s) {
        return switch (s) {
            case Spv.INPUT -> "Input";
            case Spv.WORKGROUP -> "Workgroup";
            case Spv.CROSS_WORKGROUP -> "CrossWorkgroup";
            case Spv.FUNCTION -> "Function";
            default -> Integer.toString(s);
        };
    }

    private static int stringWords(int[] o, int from) {
        int i = from;
        while (i < o.length && (o[i] >>> 24) != 0) {
            i++;
        }
        return i - from + 1;
    }

    private static String string(int[] o, int from) {
        byte[] b = new byte[stringWords(o, from) * 4];
        int n = 0;
        for (int i = from; i < from + b.length / 4 && i < o.length; i++) {
            for (int s = 0; s < 4; s++) {
                byte c = (byte) (o[i] >>> (8 * s));
                if (c == 0) {
                    return '"' + new String(b, 0, n, StandardCharsets.UTF_8) + '"';
                }
                b[n++] = c;
            }
        }
        return '"' + new String(b, 0, n, StandardCharsets.UTF_8) + '"';
    }
}
