package io.squall.model.llama;

import io.squall.device.placement.BandwidthCache;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The CPU engine's repacked copies of a model's matrices ({@link WeightMatrix#repacked}) kept in one file of the cache
 * directory ({@code <cache>/repacked/}, the directory of {@link BandwidthCache#cacheDirectory}), so that a later run
 * maps them instead of repacking: no repack work at load (the 1B Q4_K_M model's 113 matrices cost a cold JVM seconds
 * of CPU, mostly while the repack loops still ran interpreted), and the copies are file pages the kernel can drop
 * and read back like the GGUF's own, not anonymous memory (the 8B model's resident set).
 *
 * <p>The file is named after the model file's path; its header holds the model file's size and modification time and
 * a digest of the repacked matrices' names, types and shapes, and a file whose header or length does not match is
 * written again. A new file is written under a temporary name and renamed when complete, so a run that stops half
 * way leaves no file that a later run would take. Matrix copies start on 4 KiB boundaries, in the order given.
 */
final class RepackedWeightsFile {
    /** The launcher's -Dsquall.repack.cache=true (scripts/llama); off by default, so library users and tests write nothing. */
    static final boolean ENABLED = Boolean.getBoolean("squall.repack.cache");

    private static final long MAGIC = 0x31_4b_43_41_50_52_51_53L; // "SQRPACK1" little-endian
    private static final int VERSION = 1;
    private static final long HEADER_BYTES = 4096;
    private static final long ALIGN = 4096;
    private static final ValueLayout.OfLong LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment data; // the whole file, mapped
    private final long[] offsets;
    private final boolean holdsCopies;
    private final Path temporary; // the file being written, renamed to `file` by commit(); null when mapped complete
    private final Arena arena; // the mapping's

    private RepackedWeightsFile(
            Path file, MemorySegment data, long[] offsets, boolean holdsCopies, Path temporary, Arena arena) {
        this.arena = arena;
        this.file = file;
        this.data = data;
        this.offsets = offsets;
        this.holdsCopies = holdsCopies;
        this.temporary = temporary;
    }

    /**
     * The repacked copies of {@code matrices} (in this order, each of a repacked type) for the model file {@code model}
     * in {@code directory}: mapped from a complete matching file ({@link #holdsCopies}), else a new file mapped for
     * writing (fill each {@link #slice} with {@link WeightMatrix#repackedInto}, then {@link #commit}). Mappings live
     * until {@code arena} closes. Throws IOException when the directory cannot hold the file (no space, not writable).
     */
    static RepackedWeightsFile open(Path directory, Path model, List<WeightMatrix> matrices, Arena arena)
            throws IOException {
        long[] offsets = new long[matrices.size() + 1];
        long at = HEADER_BYTES;
        for (int i = 0; i < matrices.size(); i++) {
            offsets[i] = at;
            at += (matrices.get(i).repackedBytes() + ALIGN - 1) / ALIGN * ALIGN;
        }
        offsets[matrices.size()] = at;
        long total = at;
        long modelSize = Files.size(model);
        long modelTime = Files.getLastModifiedTime(model).toMillis();
        long layout = layoutDigest(matrices) ^ formatFingerprint(matrices);
        Path file = directory.resolve(digest(model.toAbsolutePath().normalize().toString()) + ".repacked");
        if (Files.isRegularFile(file) && Files.size(file) == total) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, total, arena);
                if (mapped.get(LONG, 0) == MAGIC
                        && mapped.get(LONG, 8) == VERSION
                        && mapped.get(LONG, 16) == modelSize
                        && mapped.get(LONG, 24) == modelTime
                        && mapped.get(LONG, 32) == layout
                        && mapped.get(LONG, 40) == total) {
                    return new RepackedWeightsFile(file, mapped, offsets, true, null, arena);
                }
            }
        }
        Files.createDirectories(directory);
        // a mapped file's writes past the disk's free space would fault (SIGBUS), not fail: check first
        long usable = Files.getFileStore(directory).getUsableSpace();
        if (usable < total + (64L << 20)) {
            throw new IOException(directory + " has " + (usable >> 20) + " MiB free, the repacked copies need "
                    + (total >> 20) + " MiB");
        }
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".part");
        try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
            mapped.set(LONG, 8, VERSION);
            mapped.set(LONG, 16, modelSize);
            mapped.set(LONG, 24, modelTime);
            mapped.set(LONG, 32, layout);
            mapped.set(LONG, 40, total);
            return new RepackedWeightsFile(file, mapped, offsets, false, temporary, arena);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Whether {@code directory} seems to hold complete copies for {@code model} (header checked, not the matrices'
     * layout): a hint for the warm-up, which then leaves the repack loops uncompiled. False on any error.
     */
    static boolean seemsToHold(Path directory, Path model) {
        Path file = directory.resolve(digest(model.toAbsolutePath().normalize().toString()) + ".repacked");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && ch.read(header) > 0) {
                // the header's 48 bytes
            }
            return !header.hasRemaining()
                    && header.getLong(0) == MAGIC
                    && header.getLong(8) == VERSION
                    && header.getLong(16) == Files.size(model)
                    && header.getLong(24) == Files.getLastModifiedTime(model).toMillis()
                    && header.getLong(40) == ch.size();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the file held the copies already (mapped read-only); false: a new file to fill and {@link #commit}. */
    boolean holdsCopies() {
        return holdsCopies;
    }

    /**
     * The file's place for the i-th matrix's copy ({@link WeightMatrix#repackedBytes} long), read-only when the file
     * held the copies. A plain native segment over the mapping (valid while the arena is), not a mapped one: the
     * kernels' type profiles from the warm-up, whose copies are in memory, then hold for the model's copies too.
     */
    MemorySegment slice(int i, WeightMatrix m) {
        MemorySegment s =
                MemorySegment.ofAddress(data.address() + offsets[i]).reinterpret(m.repackedBytes(), arena, null);
        return holdsCopies ? s.asReadOnly() : s;
    }

    /** Marks a new file complete (the magic number last) and gives it its name. */
    void commit() throws IOException {
        if (holdsCopies) {
            return;
        }
        data.set(LONG, 0, MAGIC);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes a new file that was not committed (its mapping stays valid until the arena closes). */
    void discard() {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a leftover *.part file: never taken for a complete one
            }
        }
    }

    Path file() {
        return file;
    }

    /** Bytes of the whole file. */
    long byteSize() {
        return data.byteSize();
    }

    /** The default directory: {@code repacked/} in Squall's cache directory. */
    static Path defaultDirectory() {
        return BandwidthCache.cacheDirectory().resolve("repacked");
    }

    /**
     * A digest of the repack's output on a small fixed matrix of each type in {@code matrices}: a change to a repacked
     * layout (InterleavedQ4_0, InterleavedQ4_K, InterleavedQ6_K) changes it, so a file written by another version of
     * the code is written again rather than read in the wrong layout.
     */
    static long formatFingerprint(List<WeightMatrix> matrices) {
        java.util.Set<GGMLType> types = java.util.EnumSet.noneOf(GGMLType.class);
        matrices.forEach(m -> types.add(m.type()));
        MessageDigest digest = sha256();
        try (Arena arena = Arena.ofShared()) { // the repack runs on the worker threads
            for (GGMLType type : types) {
                int rows = 16 + 3; // a whole group and a cut one
                int cols = 256;
                byte[] bytes = new byte[Math.toIntExact(type.byteSize((long) rows * cols))];
                new java.util.SplittableRandom(type.ordinal()).nextBytes(bytes);
                WeightMatrix sample = WeightMatrix.of(
                                "repack-format." + type, type, MemorySegment.ofArray(bytes), rows, cols)
                        .withQuantizedActivations();
                MemorySegment copy = arena.allocate(sample.repackedBytes(), 64);
                sample.repackedInto(copy);
                digest.update(type.name().getBytes(StandardCharsets.UTF_8));
                digest.update(copy.asByteBuffer());
            }
        }
        byte[] d = digest.digest();
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (d[i] & 0xFF);
        }
        return v;
    }

    private static long layoutDigest(List<WeightMatrix> matrices) {
        StringBuilder s = new StringBuilder();
        for (WeightMatrix m : matrices) {
            s.append(m.name())
                    .append(' ')
                    .append(m.type())
                    .append(' ')
                    .append(m.rows())
                    .append('x')
                    .append(m.cols())
                    .append(' ')
                    .append(m.repackedBytes())
                    .append('\n');
        }
        byte[] d = sha256(s.toString());
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (d[i] & 0xFF);
        }
        return v;
    }

    private static String digest(String text) {
        return HexFormat.of().formatHex(sha256(text), 0, 16);
    }

    private static byte[] sha256(String text) {
        return sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
