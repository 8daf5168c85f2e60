package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes GGUF files: header, metadata in insertion order, tensor infos, then the tensor data, each tensor
 * padded to the alignment (32 unless {@code general.alignment} is put). Tensor data is streamed from its
 * segments (or produced one tensor at a time by a supplier), so outputs far above 2 GB are fine.
 * The file is written to a temporary sibling and moved into place when complete.
 */
public final class GGUFWriter {

    private static final int CHUNK = 1 << 20;

    private final Map<String, GGUFValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new LinkedHashSet<>();
    private int version = 3;
    private ProgressListener progress = (name, index, count, bytes) -> {};

    /** Called after each tensor is written. */
    @FunctionalInterface
    public interface ProgressListener {
        void tensorWritten(String name, int index, int count, long bytesWrittenSoFar);
    }

    private record PendingTensor(String name, GGMLType type, long[] dims, long byteSize, TensorStream data) {}

    /** GGUF version to write: 3 (default) or 2 (same layout for little-endian files). */
    public GGUFWriter version(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("can write GGUF version 2 or 3, not " + version);
        }
        this.version = version;
        return this;
    }

    public GGUFWriter progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener);
        return this;
    }

    /** Adds or replaces a metadata entry (a replaced key keeps its position). */
    public GGUFWriter put(String key, GGUFValue v) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(v, "value of " + key);
        if (key.equals("general.alignment")) {
            long a = v.type().isInteger() ? ((Number) v.value()).longValue() : -1;
            if (v.type() != GGUFValueType.UINT32 || a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two, got " + v);
            }
        }
        metadata.put(key, v);
        return this;
    }

    public GGUFWriter putString(String k, String v) {
        return put(k, new GGUFValue(GGUFValueType.STRING, v));
    }

    /** {@code v} is taken as unsigned. */
    public GGUFWriter putUInt32(String k, int v) {
        return put(k, new GGUFValue(GGUFValueType.UINT32, Integer.toUnsignedLong(v)));
    }

    public GGUFWriter putInt32(String k, int v) {
        return put(k, new GGUFValue(GGUFValueType.INT32, v));
    }

    public GGUFWriter putUInt64(String k, long v) {
        return put(k, new GGUFValue(GGUFValueType.UINT64, v));
    }

    public GGUFWriter putInt64(String k, long v) {
        return put(k, new GGUFValue(GGUFValueType.INT64, v));
    }

    public GGUFWriter putFloat32(String k, float v) {
        return put(k, new GGUFValue(GGUFValueType.FLOAT32, v));
    }

    public GGUFWriter putFloat64(String k, double v) {
        return put(k, new GGUFValue(GGUFValueType.FLOAT64, v));
    }

    public GGUFWriter putBool(String k, boolean v) {
        return put(k, new GGUFValue(GGUFValueType.BOOL, v));
    }

    public GGUFWriter putArray(String k, GGUFArray v) {
        return put(k, new GGUFValue(GGUFValueType.ARRAY, v));
    }

    public GGUFWriter putStringArray(String k, String[] v) {
        return putArray(k, new GGUFArray(GGUFValueType.STRING, v.clone()));
    }

    public GGUFWriter putFloat32Array(String k, float[] v) {
        return putArray(k, new GGUFArray(GGUFValueType.FLOAT32, v.clone()));
    }

    public GGUFWriter putInt32Array(String k, int[] v) {
        return putArray(k, new GGUFArray(GGUFValueType.INT32, v.clone()));
    }

    /** Copies every metadata entry of {@code file} whose key starts with {@code prefix} ("" for all). */
    public GGUFWriter putAll(GGUFFile file, String prefix) {
        file.metadata().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                put(k, v);
            }
        });
        return this;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public GGUFValue get(String key) {
        return metadata.get(key);
    }

    /** Metadata put so far, in insertion order (read-only view). */
    public Map<String, GGUFValue> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    /** Adds a tensor whose bytes are in {@code data} (dims ne0 first); the size must match type and dims. */
    public GGUFWriter addTensor(String name, GGMLType type, long[] dims, MemorySegment data) {
        long expected = checkTensor(name, type, dims);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + type + " " + Arrays.toString(dims) + " needs "
                    + expected + " bytes, got " + data.byteSize());
        }
        tensors.add(new PendingTensor(name, type, dims.clone(), expected, sink -> sink.write(data)));
        return this;
    }

    /** Produces a tensor's bytes, in order, while {@link #write} streams the file. */
    @FunctionalInterface
    public interface TensorStream {
        void writeTo(TensorSink sink) throws IOException;
    }

    /** Receives consecutive pieces of a tensor's bytes. */
    @FunctionalInterface
    public interface TensorSink {
        void write(MemorySegment bytes) throws IOException;
    }

    /**
     * Adds a tensor whose bytes are produced piece by piece only while {@link #write} streams it, so a
     * large model need not be held in memory. The total size is checked then.
     */
    public GGUFWriter addTensor(String name, GGMLType type, long[] dims, TensorStream data) {
        long expected = checkTensor(name, type, dims);
        tensors.add(new PendingTensor(name, type, dims.clone(), expected, Objects.requireNonNull(data)));
        return this;
    }

    /** Number of tensors added. */
    public int tensorCount() {
        return tensors.size();
    }

    private long checkTensor(String name, GGMLType type, long[] dims) {
        Objects.requireNonNull(name, "tensor name");
        Objects.requireNonNull(type, "type of " + name);
        if (dims.length < 1 || dims.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "' must have 1 to 4 dimensions, has " + dims.length);
        }
        long n = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' has a dimension <= 0: " + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, d);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + ": ne0 = " + dims[0]
                    + " is not a multiple of the block size " + type.blockSize());
        }
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        return type.byteSize(n);
    }

    private int alignment() {
        GGUFValue a = metadata.get("general.alignment");
        return a == null ? GGUFFile.DEFAULT_ALIGNMENT : (int) (long) (Long) a.value();
    }

    /**
     * Writes the file (atomically replacing {@code path}): into a temporary file in the same directory, moved into
     * place when complete. An error, an interrupt (the channel closes) or the JVM shutting down (Ctrl-C, SIGTERM: a
     * shutdown hook) deletes the temporary file, so an interrupted conversion leaves no partial file behind.
     */
    public void write(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw FileErrors.naming(path, "creating its directory", e);
        }
        Path tmp = dir.resolve(
                path.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".partial");
        InFlight.add(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeTo(ch);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            throw FileErrors.naming(path, "writing the GGUF file", e); // not the temporary file's name
        } finally {
            Files.deleteIfExists(tmp);
            InFlight.remove(tmp);
        }
    }

    /** Temporary files being written, deleted by a shutdown hook if the JVM exits first. */
    private static final class InFlight {
        private static final java.util.Set<Path> FILES = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                for (Path p : FILES) {
                                    try {
                                        Files.deleteIfExists(p);
                                    } catch (IOException | RuntimeException ignored) {
                                        // best effort while the JVM exits: nothing left to report to
                                    }
                                }
                            },
                            "gguf-writer-cleanup"));
        }

        static void add(Path p) {
            FILES.add(p);
        }

        static void remove(Path p) {
            FILES.remove(p);
        }
    }

    private void writeTo(FileChannel ch) throws IOException {
        int alignment = alignment();
        Out out = new Out(ch);
        out.i32(GGUFFile.MAGIC);
        out.i32(version);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, GGUFValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.i32(e.getValue().type().id());
            out.value(e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            out.string(t.name);
            out.i32(t.dims.length);
            for (long d : t.dims) {
                out.i64(d);
            }
            out.i32(t.type.id());
            out.i64(offset);
            offset = GGUFFile.alignUp(offset + t.byteSize, alignment);
        }
        out.pad(alignment);
        out.flush();
        long dataStart = ch.position();
        int index = 0;
        for (PendingTensor t : tensors) {
            long start = ch.position();
            t.data.writeTo(bytes -> {
                if (ch.position() - start + bytes.byteSize() > t.byteSize) {
                    throw new IllegalStateException(
                            "tensor '" + t.name + "' produced more than its " + t.byteSize + " bytes");
                }
                writeData(ch, bytes, ch.position() - start + bytes.byteSize() == t.byteSize);
            });
            if (ch.position() - start != t.byteSize) {
                throw new IllegalStateException("tensor '" + t.name + "' produced " + (ch.position() - start)
                        + " bytes, expected " + t.byteSize);
            }
            long padded = GGUFFile.alignUp(ch.position() - dataStart, alignment);
            if (index + 1 < tensors.size()) {
                ch.position(dataStart + padded); // padding: zeros (a hole, read back as zeros)
            }
            progress.tensorWritten(t.name, index++, tensors.size(), ch.position());
        }
        // A trailing hole would not extend the file; the last tensor's padding is not needed.
    }

    /** Copies the segment in chunks; all-zero chunks become holes, so sparse or zero tensors cost no disk. */
    private static void writeData(FileChannel ch, MemorySegment data, boolean endOfTensor) throws IOException {
        MemorySegment zeros = MemorySegment.ofArray(new byte[CHUNK]);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long size = data.byteSize();
        for (long at = 0; at < size; at += CHUNK) {
            int n = (int) Math.min(CHUNK, size - at);
            MemorySegment chunk = data.asSlice(at, n);
            boolean last = endOfTensor && at + n == size;
            if (!last && chunk.mismatch(zeros.asSlice(0, n)) == -1) {
                ch.position(ch.position() + n);
                continue;
            }
            buf.clear();
            MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, buf.array(), 0, n);
            buf.limit(n);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /** Buffered little-endian output for the header part. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Out(FileChannel ch) {
            this.ch = ch;
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                written += ch.write(buf);
            }
            buf.clear();
        }

        long position() {
            return written + buf.position();
        }

        void i8(int v) throws IOException {
            room(1);
            buf.put((byte) v);
        }

        void i16(int v) throws IOException {
            room(2);
            buf.putShort((short) v);
        }

        void i32(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void i64(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            for (int at = 0; at < b.length; ) {
                room(1);
                int n = Math.min(buf.remaining(), b.length - at);
                buf.put(b, at, n);
                at += n;
            }
        }

        void pad(int alignment) throws IOException {
            long p = position();
            long target = GGUFFile.alignUp(p, alignment);
            for (long i = p; i < target; i++) {
                i8(0);
            }
        }

        void value(GGUFValueType t, Object v) throws IOException {
            switch (t) {
                case UINT8 -> i8((Short) v);
                case INT8 -> i8((Byte) v);
                case UINT16 -> i16((Integer) v);
                case INT16 -> i16((Short) v);
                case UINT32 -> i32((int) (long) (Long) v);
                case INT32 -> i32((Integer) v);
                case UINT64, INT64 -> i64((Long) v);
                case FLOAT32 -> i32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> i64(Double.doubleToRawLongBits((Double) v));
                case BOOL -> i8((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GGUFArray) v);
            }
        }

        void array(GGUFArray a) throws IOException {
            i32(a.elementType().id());
            Object vs = a.values();
            int n = Array.getLength(vs);
            i64(n);
            switch (a.elementType()) {
                case UINT8, INT8 -> {
                    for (byte x : (byte[]) vs) i8(x);
                }
                case UINT16, INT16 -> {
                    for (short x : (short[]) vs) i16(x);
                }
                case UINT32, INT32 -> {
                    for (int x : (int[]) vs) i32(x);
                }
                case UINT64, INT64 -> {
                    for (long x : (long[]) vs) i64(x);
                }
                case FLOAT32 -> {
                    for (float x : (float[]) vs) i32(Float.floatToRawIntBits(x));
                }
                case FLOAT64 -> {
                    for (double x : (double[]) vs) i64(Double.doubleToRawLongBits(x));
                }
                case BOOL -> {
                    for (boolean x : (boolean[]) vs) i8(x ? 1 : 0);
                }
                case STRING -> {
                    for (String x : (String[]) vs) string(x);
                }
                case ARRAY -> {
                    for (GGUFArray x : (GGUFArray[]) vs) array(x);
                }
            }
        }
    }
}
