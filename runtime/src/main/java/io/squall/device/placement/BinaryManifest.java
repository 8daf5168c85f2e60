package io.squall.device.placement;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.exec.KernelCache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checksum manifest of a directory of kernel binaries: {@value #FILE_NAME}, in the format of {@code sha256sum}
 * ({@code <64 hex digits><two spaces><file name>} per line), so {@code sha256sum -c SHA256SUMS} checks it too.
 *
 * <p>{@link AotBuild} writes it; every binary is checked against it before the driver sees a byte
 * (clCreateProgramWithBinary trusts its input: a truncated or flipped binary can abort the process inside the driver).
 * A binary built another way (a vendor's offline compiler) needs a manifest too: {@code sha256sum *.bin > SHA256SUMS}.
 * The checksum catches corruption, not a forger who also rewrites the manifest.
 */
public final class BinaryManifest {
    public static final String FILE_NAME = "SHA256SUMS";
    /** SHA-256 of the OpenCL C each binary was built from, keyed by the binary's name (same format). */
    public static final String SOURCES_FILE_NAME = "SOURCES.SHA256SUMS";

    private BinaryManifest() {}

    /** Adds (or replaces) the entries of {@code binaries}, all in {@code dir}, to the directory's manifest; atomic. */
    public static void record(Path dir, List<Path> binaries) {
        Map<String, String> hashes = new TreeMap<>();
        try {
            for (Path b : binaries) {
                hashes.put(b.getFileName().toString(), KernelCache.sha256(Files.readAllBytes(b)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read a binary for the checksum manifest in " + dir + ": " + e.getMessage(), e);
        }
        write(dir.resolve(FILE_NAME), hashes);
    }

    /** Records, per binary name, the SHA-256 of the OpenCL C source it was built from ({@value #SOURCES_FILE_NAME}). */
    public static void recordSources(Path dir, Map<String, byte[]> sourceByBinaryName) {
        Map<String, String> hashes = new TreeMap<>();
        sourceByBinaryName.forEach((name, source) -> hashes.put(name, KernelCache.sha256(source)));
        write(dir.resolve(SOURCES_FILE_NAME), hashes);
    }

    /** The recorded source SHA-256 of binary {@code file}, or null when its directory records none for it. */
    public static String sourceSha256(Path file) {
        Path manifest = file.toAbsolutePath().getParent().resolve(SOURCES_FILE_NAME);
        if (!Files.exists(manifest)) {
            return null;
        }
        try {
            return parse(manifest).get(file.getFileName().toString());
        } catch (IOException e) {
            throw new TornadoRuntimeException("cannot read " + manifest + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path manifest, Map<String, String> hashes) {
        Path dir = manifest.getParent();
        try {
            Map<String, String> entries = Files.exists(manifest) ? parse(manifest) : new TreeMap<>();
            entries.putAll(hashes);
            StringBuilder text = new StringBuilder();
            entries.forEach(
                    (name, hash) -> text.append(hash).append("  ").append(name).append('\n'));
            Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checksum manifest " + manifest + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of kernel binary {@code file}, after checking them against the manifest of its directory; any mismatch,
     * a missing manifest or entry, or an unreadable file is a TornadoRuntimeException naming the file and {@code deviceId}.
     */
    public static byte[] readVerified(Path file, String deviceId) {
        String what = "kernel binary " + file + " for " + deviceId;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TornadoRuntimeException("cannot read " + what + ": " + e.getMessage(), e);
        }
        Path manifest = file.toAbsolutePath().getParent().resolve(FILE_NAME);
        Map<String, String> entries;
        try {
            entries = parse(manifest);
        } catch (NoSuchFileException e) {
            throw new TornadoRuntimeException(what + " is not loaded: there is no checksum manifest " + manifest
                    + " (AotBuild writes one; for binaries built otherwise: `sha256sum *.bin > " + FILE_NAME + "`)");
        } catch (IOException e) {
            throw new TornadoRuntimeException(
                    what + " is not loaded: cannot read " + manifest + ": " + e.getMessage(), e);
        }
        String expected = entries.get(file.getFileName().toString());
        if (expected == null) {
            throw new TornadoRuntimeException(
                    what + " is not loaded: " + manifest + " has no checksum for " + file.getFileName());
        }
        String actual = KernelCache.sha256(bytes);
        if (!actual.equals(expected)) {
            throw new TornadoRuntimeException(what
                    + " is corrupt (truncated or modified since it was built): its SHA-256 is " + actual + " ("
                    + bytes.length + " bytes), " + manifest + " says " + expected + "; rebuild it with AotBuild");
        }
        return bytes;
    }

    /** File name to lower-case hex digest; a malformed line is an error naming the manifest and the line. */
    static Map<String, String> parse(Path manifest) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            // sha256sum: digest, a space, then ' ' (text) or '*' (binary mode), then the name
            if (line.length() < 67
                    || !line.substring(0, 64).matches("[0-9a-fA-F]{64}")
                    || line.charAt(64) != ' '
                    || (line.charAt(65) != ' ' && line.charAt(65) != '*')) {
                throw new IOException(manifest + " line " + (i + 1) + ": expected `<64 hex digits>  <file name>`");
            }
            entries.put(line.substring(66), line.substring(0, 64).toLowerCase(java.util.Locale.ROOT));
        }
        return entries;
    }
}
