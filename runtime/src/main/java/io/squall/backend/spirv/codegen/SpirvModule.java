package io.squall.backend.spirv.codegen;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A SPIR-V module being built: id allocation, the sections in the order the spec's logical layout requires, and
 * de-duplicated types and constants (SPIR-V forbids two identical non-aggregate type declarations).
 */
final class SpirvModule {
    /** A growable list of words: one section, or one function body. */
    static final class Words {
        private int[] data = new int[64];
        private int size;

        void add(int w) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = w;
        }

        int size() {
            return size;
        }

        void set(int index, int w) {
            data[index] = w;
        }

        void addAll(Words other) {
            for (int i = 0; i < other.size; i++) {
                add(other.data[i]);
            }
        }

        /** Appends one instruction; returns the index of its first operand word. */
        int instruction(Op op, int... operands) {
            add((operands.length + 1) << 16 | op.code);
            int at = size;
            for (int o : operands) {
                add(o);
            }
            return at;
        }
    }

    private int nextId = 1;
    private int version = Spv.VERSION_1_0;
    private final Set<Integer> capabilities = new LinkedHashSet<>();
    final Words extInstImports = new Words();
    final Words entryPoints = new Words();
    final Words executionModes = new Words();
    final Words source = new Words(); // OpSource precedes the names
    final Words debug = new Words();
    final Words annotations = new Words();
    final Words globals = new Words();
    final Words functions = new Words();
    private final Map<String, Integer> cache = new HashMap<>();

    int id() {
        return nextId++;
    }

    void capability(int cap) {
        capabilities.add(cap);
    }

    void requireVersion(int v) {
        version = Math.max(version, v);
    }

    int version() {
        return version;
    }

    /** The words of a string operand: UTF-8, nul-terminated, padded to a word, little-endian within each word. */
    static int[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] w = new int[b.length / 4 + 1];
        for (int i = 0; i < b.length; i++) {
            w[i / 4] |= (b[i] & 0xff) << (8 * (i % 4));
        }
        return w;
    }

    static int[] concat(int[] a, int... b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    void name(int target, String name) {
        debug.instruction(Op.Name, concat(new int[] {target}, string(name)));
    }

    void decorate(int target, int decoration, int... literals) {
        annotations.instruction(Op.Decorate, concat(new int[] {target, decoration}, literals));
    }

    /**
     * A type or constant declared once per distinct key. {@code operands} are the instruction's operands without the
     * result id, which goes first (types) or after the result type (constants).
     */
    private int declared(String key, Op op, int... operands) {
        Integer existing = cache.get(key);
        if (existing != null) {
            return existing;
        }
        int id = id();
        int at = op.hasType ? 1 : 0;
        int[] all = new int[operands.length + 1];
        System.arraycopy(operands, 0, all, 0, at);
        all[at] = id;
        System.arraycopy(operands, at, all, at + 1, operands.length - at);
        globals.instruction(op, all);
        cache.put(key, id);
        return id;
    }

    int typeVoid() {
        return declared("void", Op.TypeVoid);
    }

    int typeBool() {
        return declared("bool", Op.TypeBool);
    }

    /** Integers are signless in the OpenCL environment (signedness 0); the instruction says how to read them. */
    int typeInt(int bits) {
        return declared("i" + bits, Op.TypeInt, bits, 0);
    }

    int typeFloat(int bits) {
        return declared("f" + bits, Op.TypeFloat, bits);
    }

    int typeVector(int component, int count) {
        return declared("v" + count + ":" + component, Op.TypeVector, component, count);
    }

    int typeArray(int element, int length) {
        int len = constantInt(32, length);
        return declared("a" + element + ":" + length, Op.TypeArray, element, len);
    }

    int typePointer(int storageClass, int pointee) {
        return declared("p" + storageClass + ":" + pointee, Op.TypePointer, storageClass, pointee);
    }

    int typeFunction(int returnType, int... params) {
        StringBuilder key = new StringBuilder("fn" + returnType);
        for (int p : params) {
            key.append(',').append(p);
        }
        return declared(key.toString(), Op.TypeFunction, concat(new int[] {returnType}, params));
    }

    int constantBool(boolean v) {
        return declared(v ? "true" : "false", v ? Op.ConstantTrue : Op.ConstantFalse, typeBool());
    }

    /** An integer constant of {@code bits} width; 64-bit values take two words, low first. */
    int constantInt(int bits, long value) {
        int type = typeInt(bits);
        long masked = bits == 64 ? value : value & ((1L << bits) - 1);
        return bits == 64
                ? declared("c" + type + ":" + masked, Op.Constant, type, (int) masked, (int) (masked >>> 32))
                : declared("c" + type + ":" + masked, Op.Constant, type, (int) masked);
    }

    int constantFloat(float v) {
        int type = typeFloat(32);
        int bits = Float.floatToRawIntBits(v);
        return declared("c" + type + ":" + bits, Op.Constant, type, bits);
    }

    int constantDouble(double v) {
        int type = typeFloat(64);
        long bits = Double.doubleToRawLongBits(v);
        return declared("c" + type + ":" + bits, Op.Constant, type, (int) bits, (int) (bits >>> 32));
    }

    /** The whole module: header, then the sections in the spec's order. */
    int[] assemble() {
        Words out = new Words();
        out.add(Spv.MAGIC);
        out.add(version);
        out.add(0); // generator: unregistered
        out.add(nextId); // bound
        out.add(0); // schema
        for (int cap : capabilities) {
            out.instruction(Op.Capability, cap);
        }
        out.addAll(extInstImports);
        out.instruction(Op.MemoryModel, Spv.ADDRESSING_PHYSICAL64, Spv.MEMORY_MODEL_OPENCL);
        out.addAll(entryPoints);
        out.addAll(executionModes);
        out.addAll(source);
        out.addAll(debug);
        out.addAll(annotations);
        out.addAll(globals);
        out.addAll(functions);
        return java.util.Arrays.copyOf(out.data, out.size);
    }
}
