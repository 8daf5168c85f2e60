package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF (v2 or v3) file, memory-mapped read-only. Opening parses and validates the header, metadata and
 * tensor table; tensor data stays in the mapping and is handed out as read-only slices.
 *
 * <p>Every read is bounds-checked against the file size before anything is allocated, so a malformed or
 * truncated file gives a {@link GGUFFormatException} naming the problem and its byte offset.
 */
public final class GGUFFile implements AutoCloseable {

    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;

    public static final int DEFAULT_ALIGNMENT = 32;
    /** Deepest nesting of arrays accepted (real files use at most 2). */
    static final int MAX_ARRAY_DEPTH = 32;
    /**
     * Largest metadata array (elements) and string (bytes) accepted, far above real files (vocabularies have
     * ~10^5 entries), so a corrupt count inside a multi-GB file cannot make the reader allocate gigabytes.
     */
    static final long MAX_ARRAY_ELEMENTS = 1L << 26;

    static final long MAX_STRING_BYTES = 1L << 26;

    private final Path path;
    private final String name;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final Map<String, GGUFValue> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> tensorsByName;

    private GGUFFile(Path path, String name, Arena arena, MemorySegment file) throws GGUFFormatException {
        this.path = path;
        this.name = name;
        this.arena = arena;
        this.file = file;
        Parser p = new Parser(file, name);
        this.version = p.header();
        long tensorCount = p.tensorCount;
        long kvCount = p.kvCount;
        Map<String, GGUFValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = p.pos;
            String key = p.string("key of metadata entry " + i);
            GGUFValue value = p.value(key);
            if (kv.putIfAbsent(key, value) != null) {
                throw new GGUFFormatException(name, at, "duplicate metadata key '" + key + "'");
            }
        }
        this.metadata = Collections.unmodifiableMap(kv);
        this.alignment = alignmentOf(kv.get("general.alignment"));
        List<TensorInfo> infos = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = p.pos;
            TensorInfo t = p.tensorInfo(i, alignment);
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new GGUFFormatException(name, at, "duplicate tensor name '" + t.name() + "'");
            }
            infos.add(t);
        }
        long end = p.pos;
        this.dataOffset = alignUp(end, alignment);
        this.tensors = Collections.unmodifiableList(infos);
        this.tensorsByName = byName;
        checkTensorPlacement();
    }

    /** Maps and parses a GGUF file. Files of any size (far above 2 GB) are fine. */
    public static GGUFFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0
                    ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new GGUFFile(path, path.toString(), arena, seg);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses GGUF bytes already in memory (tests, fuzzing); {@code name} appears in error messages. Nothing is copied. */
    public static GGUFFile read(MemorySegment bytes, String name) throws GGUFFormatException {
        return new GGUFFile(null, name, null, bytes.asReadOnly());
    }

    /** GGUF format version (2 or 3). */
    public int version() {
        return version;
    }

    /** Alignment of tensor data (general.alignment, default 32). */
    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The file, or null when read from memory. */
    public Path path() {
        return path;
    }

    /** The name used in messages (the path, or the name given to {@link #read}). */
    public String name() {
        return name;
    }

    /** Size of the whole file in bytes. */
    public long fileSize() {
        return file.byteSize();
    }

    /** All metadata, in file order. */
    public Map<String, GGUFValue> metadata() {
        return metadata;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** The value of {@code key}, or null when absent. */
    public GGUFValue get(String key) {
        return metadata.get(key);
    }

    private GGUFValue require(String key) {
        GGUFValue v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": missing required metadata key '" + key + "'");
        }
        return v;
    }

    private IllegalArgumentException wrongType(String key, GGUFValue v, String expected) {
        String got = v.type() == GGUFValueType.ARRAY
                ? "ARRAY of " + ((GGUFArray) v.value()).elementType()
                : v.type().name();
        return new IllegalArgumentException(name + ": metadata key '" + key + "' is " + got + ", expected " + expected);
    }

    public String getString(String key) {
        GGUFValue v = require(key);
        if (v.type() != GGUFValueType.STRING) {
            throw wrongType(key, v, "STRING");
        }
        return (String) v.value();
    }

    public String getString(String key, String dflt) {
        return has(key) ? getString(key) : dflt;
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        GGUFValue v = require(key);
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer");
        }
        long x = ((Number) v.value()).longValue();
        if (x != (int) x || (v.type() == GGUFValueType.UINT64 && x < 0)) {
            throw new IllegalArgumentException(
                    name + ": metadata key '" + key + "' = " + Long.toUnsignedString(x) + " does not fit an int");
        }
        return (int) x;
    }

    public int getInt(String key, int dflt) {
        return has(key) ? getInt(key) : dflt;
    }

    /** Any integer type (UINT64 above Long.MAX_VALUE is an error). */
    public long getLong(String key) {
        GGUFValue v = require(key);
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer");
        }
        long x = ((Number) v.value()).longValue();
        if (v.type() == GGUFValueType.UINT64 && x < 0) {
            throw new IllegalArgumentException(
                    name + ": metadata key '" + key + "' = " + Long.toUnsignedString(x) + " does not fit a long");
        }
        return x;
    }

    public long getLong(String key, long dflt) {
        return has(key) ? getLong(key) : dflt;
    }

    /** FLOAT32, FLOAT64 or an integer type. */
    public float getFloat(String key) {
        GGUFValue v = require(key);
        if (v.type() == GGUFValueType.FLOAT32
                || v.type() == GGUFValueType.FLOAT64
                || v.type().isInteger()) {
            return ((Number) v.value()).floatValue();
        }
        throw wrongType(key, v, "FLOAT32");
    }

    public float getFloat(String key, float dflt) {
        return has(key) ? getFloat(key) : dflt;
    }

    public boolean getBoolean(String key) {
        GGUFValue v = require(key);
        if (v.type() != GGUFValueType.BOOL) {
            throw wrongType(key, v, "BOOL");
        }
        return (Boolean) v.value();
    }

    public boolean getBoolean(String key, boolean dflt) {
        return has(key) ? getBoolean(key) : dflt;
    }

    /** The ARRAY value of {@code key}. */
    public GGUFArray getArray(String key) {
        GGUFValue v = require(key);
        if (v.type() != GGUFValueType.ARRAY) {
            throw wrongType(key, v, "ARRAY");
        }
        return (GGUFArray) v.value();
    }

    public String[] getStringArray(String key) {
        GGUFArray a = getArray(key);
        if (a.elementType() != GGUFValueType.STRING) {
            throw wrongType(key, require(key), "ARRAY of STRING");
        }
        return ((String[]) a.values()).clone();
    }

    /** FLOAT32 arrays (FLOAT64 ones are narrowed). */
    public float[] getFloatArray(String key) {
        GGUFArray a = getArray(key);
        return switch (a.elementType()) {
            case FLOAT32 -> ((float[]) a.values()).clone();
            case FLOAT64 -> {
                double[] d = (double[]) a.values();
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            default -> throw wrongType(key, require(key), "ARRAY of FLOAT32");
        };
    }

    /** INT32 or UINT32 arrays, and narrower integer arrays widened (unsigned ones zero-extended). */
    public int[] getIntArray(String key) {
        GGUFArray a = getArray(key);
        Object vs = a.values();
        return switch (a.elementType()) {
            case INT32, UINT32 -> ((int[]) vs).clone();
            case INT16, UINT16 -> {
                short[] s = (short[]) vs;
                int[] r = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    r[i] = a.elementType() == GGUFValueType.UINT16 ? Short.toUnsignedInt(s[i]) : s[i];
                }
                yield r;
            }
            case INT8, UINT8 -> {
                byte[] b = (byte[]) vs;
                int[] r = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    r[i] = a.elementType() == GGUFValueType.UINT8 ? Byte.toUnsignedInt(b[i]) : b[i];
                }
                yield r;
            }
            default -> throw wrongType(key, require(key), "ARRAY of INT32");
        };
    }

    /** Tensors in file order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, or null when absent. */
    public TensorInfo tensor(String name) {
        return tensorsByName.get(name);
    }

    /** Read-only slice of the mapping holding the tensor's bytes. */
    public MemorySegment tensorData(TensorInfo t) {
        if (tensorsByName.get(t.name()) != t && !t.equals(tensorsByName.get(t.name()))) {
            throw new IllegalArgumentException(name + ": tensor '" + t.name() + "' is not in this file");
        }
        return file.asSlice(dataOffset + t.offset(), t.byteSize()).asReadOnly();
    }

    /**
     * Tells the operating system that this process no longer needs the pages holding {@code t}'s bytes
     * ({@link MemorySegment#unload}: madvise MADV_DONTNEED on the page-aligned range), so they stop counting as its
     * resident memory; a later read maps them again from the file. For a tensor copied elsewhere (the CPU engine's
     * repacked weights). Nothing happens for a file read from memory ({@link #read}).
     */
    public void releasePages(TensorInfo t) {
        MemorySegment bytes = tensorData(t);
        if (bytes.isMapped() && bytes.byteSize() > 0) {
            bytes.unload();
        }
    }

    /** The whole mapping, read-only. */
    public MemorySegment segment() {
        return file.asReadOnly();
    }

    /** Unmaps the file; tensor slices must not be used afterwards. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GGUF v" + version + " " + name + " (" + metadata.size() + " keys, " + tensors.size() + " tensors)";
    }

    static long alignUp(long x, long alignment) {
        return Math.ceilDiv(x, alignment) * alignment;
    }

    private int alignmentOf(GGUFValue v) throws GGUFFormatException {
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!v.type().isInteger()) {
            throw new GGUFFormatException(
                    name, -1, "metadata key 'general.alignment' is " + v.type() + ", expected UINT32");
        }
        long a = ((Number) v.value()).longValue();
        if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw new GGUFFormatException(
                    name, -1, "metadata key 'general.alignment' = " + a + " is not a power of two in [1, 2^30]");
        }
        return (int) a;
    }

    private void checkTensorPlacement() throws GGUFFormatException {
        long size = file.byteSize();
        if (!tensors.isEmpty() && dataOffset > size) {
            throw new GGUFFormatException(
                    name,
                    size,
                    "truncated: data section should start at byte " + dataOffset + " but the file has " + size
                            + " bytes");
        }
        for (TensorInfo t : tensors) {
            long available = size - dataOffset;
            if (t.offset() > available || t.byteSize() > available - t.offset()) {
                throw new GGUFFormatException(
                        name,
                        dataOffset + t.offset(),
                        "data of tensor '" + t.name() + "' (" + t.byteSize() + " bytes at data offset " + t.offset()
                                + ") extends beyond the end of the file (" + size + " bytes)");
            }
        }
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (a.offset() + a.byteSize() > b.offset()) {
                throw new GGUFFormatException(
                        name,
                        dataOffset + b.offset(),
                        "tensor '" + b.name() + "' (data offset " + b.offset() + ") overlaps tensor '" + a.name()
                                + "' (data offset " + a.offset() + ", " + a.byteSize() + " bytes)");
            }
        }
    }

    /** Bounds-checked little-endian cursor over the file. */
    private static final class Parser {
        private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
        private static final ValueLayout.OfShort I16 =
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 =
                ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 =
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 =
                ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        final MemorySegment seg;
        final long size;
        final String name;
        long pos;
        long tensorCount;
        long kvCount;

        Parser(MemorySegment seg, String name) {
            this.seg = seg;
            this.size = seg.byteSize();
            this.name = name;
        }

        GGUFFormatException error(long at, String problem) {
            return new GGUFFormatException(name, at, problem);
        }

        long remaining() {
            return size - pos;
        }

        void need(long n, String what) throws GGUFFormatException {
            if (n > remaining()) {
                throw error(
                        pos,
                        "truncated: " + what + " needs " + n + " bytes but only " + remaining() + " remain (file has "
                                + size + " bytes)");
            }
        }

        int i32(String what) throws GGUFFormatException {
            need(4, what);
            int v = seg.get(I32, pos);
            pos += 4;
            return v;
        }

        long i64(String what) throws GGUFFormatException {
            need(8, what);
            long v = seg.get(I64, pos);
            pos += 8;
            return v;
        }

        /** Reads a u64 count and checks that {@code count * minBytesEach} fits in what remains. */
        long count(String what, long minBytesEach, long reserve) throws GGUFFormatException {
            long at = pos;
            long n = i64(what);
            long room = remaining() - reserve;
            if (n < 0 || (minBytesEach > 0 && n > room / minBytesEach)) {
                throw error(
                        at,
                        "absurd " + what + " " + Long.toUnsignedString(n) + ": at least " + minBytesEach
                                + " bytes each would not fit in the " + Math.max(room, 0) + " bytes remaining");
            }
            return n;
        }

        int header() throws GGUFFormatException {
            need(4, "magic");
            int magic = seg.get(I32, 0);
            if (magic != MAGIC) {
                byte[] b = new byte[4];
                MemorySegment.copy(seg, U8, 0, b, 0, 4);
                throw error(0, "bad magic " + printable(b) + ", expected \"GGUF\": not a GGUF file");
            }
            pos = 4;
            int version = i32("version");
            if (version == 1) {
                throw error(
                        4,
                        "GGUF version 1 is not supported (it used 32-bit counts); convert the file with a current llama.cpp");
            }
            if (version != 2 && version != 3) {
                String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                        ? " (this looks like a big-endian GGUF, which is not supported)"
                        : "";
                throw error(
                        4,
                        "unsupported GGUF version " + Integer.toUnsignedString(version) + ", expected 2 or 3" + hint);
            }
            long tensorsAt = pos;
            tensorCount = i64("tensor count");
            long kvAt = pos;
            kvCount = i64("metadata count");
            // Each metadata entry takes >= 13 bytes (key length, type, 1-byte value), each tensor info >= 32.
            if (tensorCount < 0 || tensorCount > remaining() / 32) {
                throw error(
                        tensorsAt,
                        "absurd tensor count " + Long.toUnsignedString(tensorCount) + " for a file of " + size
                                + " bytes");
            }
            if (kvCount < 0 || kvCount > (remaining() - tensorCount * 32) / 13) {
                throw error(
                        kvAt,
                        "absurd metadata count " + Long.toUnsignedString(kvCount) + " for a file of " + size
                                + " bytes");
            }
            return version;
        }

        String string(String what) throws GGUFFormatException {
            return string(what, null, 0);
        }

        /** The bytes of the string being read (grown as needed): one copy per string instead of two. */
        private byte[] scratch = new byte[256];

        /**
         * A string; {@code what} null: element {@code index} of array {@code arrayKey}, named so only in an error
         * message (a vocabulary's 400,000 strings built two message strings each, a third of the time to parse it).
         */
        String string(String what, String arrayKey, int index) throws GGUFFormatException {
            long at = pos;
            if (remaining() < 8) {
                need(8, "length of " + describe(what, arrayKey, index));
            }
            long len = seg.get(I64, pos);
            pos += 8;
            if (len < 0 || len > remaining() || len > MAX_STRING_BYTES) {
                what = describe(what, arrayKey, index);
            }
            if (len < 0 || len > remaining()) {
                throw error(
                        at,
                        "absurd length " + Long.toUnsignedString(len) + " of " + what + ": only " + remaining()
                                + " bytes remain");
            }
            if (len > MAX_STRING_BYTES) {
                throw error(
                        at,
                        "absurd length " + len + " of " + what + ": more than the " + MAX_STRING_BYTES
                                + " bytes a metadata string may have");
            }
            if (scratch.length < len) {
                scratch = new byte[(int) Math.max(len, 2L * scratch.length)];
            }
            MemorySegment.copy(seg, U8, pos, scratch, 0, (int) len);
            pos += len;
            return new String(scratch, 0, (int) len, StandardCharsets.UTF_8);
        }

        private static String describe(String what, String arrayKey, int index) {
            return what != null ? what : "element " + index + " of array '" + arrayKey + "'";
        }

        GGUFValueType type(String key) throws GGUFFormatException {
            long at = pos;
            int id = i32("value type of '" + key + "'");
            GGUFValueType t = GGUFValueType.fromId(id);
            if (t == null) {
                throw error(at, "unknown value type " + Integer.toUnsignedString(id) + " for key '" + key + "'");
            }
            return t;
        }

        GGUFValue value(String key) throws GGUFFormatException {
            GGUFValueType t = type(key);
            return new GGUFValue(t, scalarOrArray(t, key, 0));
        }

        Object scalarOrArray(GGUFValueType t, String key, int depth) throws GGUFFormatException {
            if (t == GGUFValueType.ARRAY) {
                return array(key, depth);
            }
            if (t == GGUFValueType.STRING) {
                return string("value of '" + key + "'");
            }
            need(t.size(), "value of '" + key + "'");
            long p = pos;
            pos += t.size();
            return switch (t) {
                case UINT8 -> (short) Byte.toUnsignedInt(seg.get(U8, p));
                case INT8 -> seg.get(U8, p);
                case UINT16 -> Short.toUnsignedInt(seg.get(I16, p));
                case INT16 -> seg.get(I16, p);
                case UINT32 -> Integer.toUnsignedLong(seg.get(I32, p));
                case INT32 -> seg.get(I32, p);
                case UINT64, INT64 -> seg.get(I64, p);
                case FLOAT32 -> seg.get(F32, p);
                case FLOAT64 -> seg.get(F64, p);
                case BOOL -> {
                    byte b = seg.get(U8, p);
                    if (b != 0 && b != 1) {
                        throw error(p, "invalid BOOL value " + b + " for key '" + key + "'");
                    }
                    yield b == 1;
                }
                default -> throw new AssertionError(t);
            };
        }

        GGUFArray array(String key, int depth) throws GGUFFormatException {
            if (depth >= MAX_ARRAY_DEPTH) {
                throw error(pos, "arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels in key '" + key + "'");
            }
            GGUFValueType et = type(key);
            long minEach = switch (et) {
                case STRING -> 8;
                case ARRAY -> 12;
                default -> et.size();
            };
            long at = pos;
            long n = count("element count of array '" + key + "'", minEach, 0);
            if (n > MAX_ARRAY_ELEMENTS) {
                throw error(
                        at,
                        "absurd element count of array '" + key + "' " + n + ": more than the " + MAX_ARRAY_ELEMENTS
                                + " elements a metadata array may have");
            }
            int len = (int) n;
            Object values;
            switch (et) {
                case UINT8, INT8 -> {
                    byte[] a = new byte[len];
                    MemorySegment.copy(seg, U8, pos, a, 0, len);
                    values = a;
                }
                case UINT16, INT16 -> {
                    short[] a = new short[len];
                    MemorySegment.copy(seg, I16, pos, a, 0, len);
                    values = a;
                }
                case UINT32, INT32 -> {
                    int[] a = new int[len];
                    MemorySegment.copy(seg, I32, pos, a, 0, len);
                    values = a;
                }
                case UINT64, INT64 -> {
                    long[] a = new long[len];
                    MemorySegment.copy(seg, I64, pos, a, 0, len);
                    values = a;
                }
                case FLOAT32 -> {
                    float[] a = new float[len];
                    MemorySegment.copy(seg, F32, pos, a, 0, len);
                    values = a;
                }
                case FLOAT64 -> {
                    double[] a = new double[len];
                    MemorySegment.copy(seg, F64, pos, a, 0, len);
                    values = a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[len];
                    for (int i = 0; i < len; i++) {
                        byte b = seg.get(U8, pos + i);
                        if (b != 0 && b != 1) {
                            throw error(pos + i, "invalid BOOL value " + b + " in array '" + key + "'");
                        }
                        a[i] = b == 1;
                    }
                    values = a;
                }
                case STRING -> {
                    String[] a = new String[len];
                    for (int i = 0; i < len; i++) {
                        a[i] = string(null, key, i);
                    }
                    values = a;
                }
                case ARRAY -> {
                    GGUFArray[] a = new GGUFArray[len];
                    for (int i = 0; i < len; i++) {
                        a[i] = array(key + "[" + i + "]", depth + 1);
                    }
                    values = a;
                }
                default -> throw new AssertionError(et);
            }
            if (et.size() > 0) {
                pos += n * et.size();
            }
            return new GGUFArray(et, values);
        }

        TensorInfo tensorInfo(long index, int alignment) throws GGUFFormatException {
            String tname = string("name of tensor " + index);
            long at = pos;
            int nDims = i32("dimension count of tensor '" + tname + "'");
            if (nDims < 1 || nDims > 4) {
                throw error(
                        at,
                        "tensor '" + tname + "' has " + Integer.toUnsignedString(nDims)
                                + " dimensions, expected 1 to 4");
            }
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dAt = pos;
                dims[d] = i64("dimension " + d + " of tensor '" + tname + "'");
                if (dims[d] <= 0) {
                    throw error(dAt, "tensor '" + tname + "' has dimension " + d + " = " + dims[d] + ", expected > 0");
                }
                if (elements > Long.MAX_VALUE / dims[d]) {
                    throw error(dAt, "tensor '" + tname + "' has an absurd element count (overflows 64 bits)");
                }
                elements *= dims[d];
            }
            long typeAt = pos;
            int typeId = i32("type of tensor '" + tname + "'");
            GGMLType type = GGMLType.fromId(typeId);
            if (type == null) {
                throw error(
                        typeAt,
                        "tensor '" + tname + "' has unknown tensor type id " + Integer.toUnsignedString(typeId));
            }
            if (dims[0] % type.blockSize() != 0) {
                throw error(
                        at,
                        "tensor '" + tname + "' of type " + type + " has ne0 = " + dims[0]
                                + ", not a multiple of the block size " + type.blockSize());
            }
            long offAt = pos;
            long offset = i64("data offset of tensor '" + tname + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw error(
                        offAt,
                        "data offset " + Long.toUnsignedString(offset) + " of tensor '" + tname
                                + "' is not a multiple of the alignment " + alignment);
            }
            long blocks = elements / type.blockSize();
            if (blocks > Long.MAX_VALUE / type.typeSize()) {
                throw error(at, "tensor '" + tname + "' has an absurd byte size (overflows 64 bits)");
            }
            return new TensorInfo(tname, type, dims, offset, blocks * type.typeSize());
        }

        private static String printable(byte[] b) {
            StringBuilder sb = new StringBuilder("\"");
            for (byte x : b) {
                sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
            }
            return sb.append('"').toString();
        }
    }
}
