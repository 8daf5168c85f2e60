package io.squall.model.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutants of a valid GGUF file for fuzzing the loader and everything built on it (the unit test's bounded run and
 * the fuzz command in bench/ share these): bit flips and "interesting" integers anywhere in the header, type ids,
 * deleted and duplicated byte runs, truncations, and targeted changes of one field whose place the parsed base
 * file gives: a scalar metadata value (the hyper-parameters among them) or a tensor's rank, dimension, type or
 * data offset.
 */
public final class GGUFMutator {
    /** Boundary values that break size arithmetic: zero, one, all ones, the int and long limits, powers of two. */
    public static final long[] INTERESTING = {
        0,
        1,
        -1,
        0x7F,
        0xFF,
        0x7FFF_FFFFL,
        0x8000_0000L,
        0xFFFF_FFFFL,
        1L << 32,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        12,
        13,
        31,
        32,
        33,
        4096,
        1L << 40,
        1_400_000_000L,
        2,
        3,
        64,
        65
    };
    /** Mutation kinds, for counting outcomes by kind. */
    public static final List<String> KINDS = List.of(
            "flip-bits",
            "write-integer",
            "truncate",
            "write-type-id",
            "delete",
            "duplicate",
            "metadata-value",
            "tensor-field");

    /** A place in the base file: {@code width} bytes at {@code offset} holding what {@code name} says. */
    public record Field(String name, int offset, int width, boolean isFloat) {}

    /** A parsed valid file: its bytes, where the header ends and the fields the targeted mutations change. */
    public record Base(String name, byte[] bytes, long headerEnd, List<Field> fields) {
        public static Base of(String name, byte[] bytes) throws GGUFFormatException {
            try (GGUFFile f = GGUFFile.read(MemorySegment.ofArray(bytes), name)) {
                return new Base(name, bytes, f.dataOffset(), GGUFMutator.fields(f, bytes));
            }
        }
    }

    /** One mutant: its bytes, its kind (one of {@link #KINDS}) and what was done, to reproduce a finding. */
    public record Mutant(byte[] bytes, String kind, String description) {}

    private GGUFMutator() {}

    public static Mutant mutate(Base base, Random r) {
        byte[] b = base.bytes.clone();
        int header = (int) Math.min(base.headerEnd, b.length);
        int kind = r.nextInt(base.fields.isEmpty() ? 6 : KINDS.size());
        StringBuilder what = new StringBuilder();
        switch (kind) {
            case 0 -> {
                int n = 1 + r.nextInt(8);
                what.append("flip bits at");
                for (int k = 0; k < n; k++) {
                    int at = r.nextInt(header);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                    what.append(' ').append(at);
                }
            }
            case 1 -> {
                int at = r.nextInt(Math.max(1, header - 8));
                long v = interesting(r);
                int width = r.nextBoolean() ? 8 : 4;
                put(b, at, width, v);
                what.append("write ")
                        .append(width)
                        .append("-byte ")
                        .append(v)
                        .append(" at ")
                        .append(at);
            }
            case 2 -> {
                int len = r.nextBoolean() ? r.nextInt(header + 1) : r.nextInt(b.length);
                what.append("truncate to ").append(len);
                b = Arrays.copyOf(b, len);
            }
            case 3 -> {
                int at = r.nextInt(Math.max(1, header - 4));
                int v = r.nextInt(40);
                put(b, at, 4, v);
                what.append("write type id ").append(v).append(" at ").append(at);
            }
            case 4 -> {
                int at = r.nextInt(header);
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                what.append("delete ").append(len).append(" bytes at ").append(at);
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                b = out;
            }
            case 5 -> {
                int at = r.nextInt(header);
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                what.append("duplicate ").append(len).append(" bytes at ").append(at);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                b = out;
            }
            default -> {
                // metadata values (hyper-parameters first among them) or tensor-table fields
                List<Field> pool = base.fields.stream()
                        .filter(f -> f.name.startsWith("tensor ") == (kind == 7))
                        .toList();
                Field f = (pool.isEmpty() ? base.fields : pool)
                        .get(r.nextInt((pool.isEmpty() ? base.fields : pool).size()));
                if (f.isFloat && r.nextBoolean()) {
                    float[] specials = {
                        Float.NaN,
                        Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY,
                        0f,
                        -0f,
                        Float.MIN_VALUE,
                        Float.MAX_VALUE,
                        1e-30f,
                        1e30f,
                        -1f
                    };
                    float v = specials[r.nextInt(specials.length)];
                    put(
                            b,
                            f.offset,
                            f.width,
                            f.width == 8 ? Double.doubleToRawLongBits(v) : Float.floatToRawIntBits(v));
                    what.append("set ").append(f.name).append(" to ").append(v);
                } else {
                    long v = r.nextInt(4) == 0 ? r.nextLong() >>> r.nextInt(64) : interesting(r);
                    put(b, f.offset, f.width, v);
                    what.append("set ")
                            .append(f.name)
                            .append(" to ")
                            .append(v)
                            .append(" (")
                            .append(f.width)
                            .append(" bytes)");
                }
            }
        }
        return new Mutant(b, KINDS.get(kind), what.toString());
    }

    private static long interesting(Random r) {
        return r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : r.nextLong() >>> r.nextInt(64);
    }

    private static void put(byte[] b, int at, int width, long v) {
        for (int k = 0; k < width && at + k < b.length; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    /** Scalar metadata values and tensor-table fields of a parsed file, found by their (unique) length-prefixed names. */
    private static List<Field> fields(GGUFFile f, byte[] bytes) {
        List<Field> fields = new ArrayList<>();
        int from = 24; // magic, version, tensor count, metadata count
        for (Map.Entry<String, GGUFValue> e : f.metadata().entrySet()) {
            int at = find(bytes, e.getKey(), from, (int) f.dataOffset());
            if (at < 0) {
                continue;
            }
            int valueAt = at + 8 + utf8(e.getKey()).length + 4;
            GGUFValueType t = e.getValue().type();
            if (t.size() > 0) {
                fields.add(new Field(
                        e.getKey(), valueAt, t.size(), t == GGUFValueType.FLOAT32 || t == GGUFValueType.FLOAT64));
            } else if (t == GGUFValueType.STRING || t == GGUFValueType.ARRAY) {
                // a length (string) or element type and count (array): the sizes the parser must bound
                fields.add(new Field(e.getKey() + " (length)", valueAt + (t == GGUFValueType.ARRAY ? 4 : 0), 8, false));
                if (t == GGUFValueType.ARRAY) {
                    fields.add(new Field(e.getKey() + " (element type)", valueAt, 4, false));
                }
            }
            from = at;
        }
        for (TensorInfo t : f.tensors()) {
            int at = find(bytes, t.name(), from, (int) f.dataOffset());
            if (at < 0) {
                continue;
            }
            int p = at + 8 + utf8(t.name()).length;
            fields.add(new Field("tensor " + t.name() + " rank", p, 4, false));
            p += 4;
            for (int d = 0; d < t.dims().length; d++, p += 8) {
                fields.add(new Field("tensor " + t.name() + " dim " + d, p, 8, false));
            }
            fields.add(new Field("tensor " + t.name() + " type", p, 4, false));
            fields.add(new Field("tensor " + t.name() + " offset", p + 4, 8, false));
            from = at;
        }
        return List.copyOf(fields);
    }

    /** The offset of the length-prefixed string {@code s} in {@code bytes[from..to)}, or -1. */
    private static int find(byte[] bytes, String s, int from, int to) {
        byte[] needle = utf8(s);
        byte[] prefixed = new byte[8 + needle.length];
        put(prefixed, 0, 8, needle.length);
        System.arraycopy(needle, 0, prefixed, 8, needle.length);
        outer:
        for (int i = Math.max(0, from); i + prefixed.length <= Math.min(to, bytes.length); i++) {
            for (int k = 0; k < prefixed.length; k++) {
                if (bytes[i + k] != prefixed[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
