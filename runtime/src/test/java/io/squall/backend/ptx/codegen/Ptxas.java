package io.squall.backend.ptx.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds NVIDIA's PTX assembler (PATH, then /usr/local/cuda*&#47;bin) and assembles PTX text with it. */
public final class Ptxas {
    private static final Path PTXAS = find();

    private Ptxas() {}

    public static boolean available() {
        return PTXAS != null;
    }

    public static String path() {
        return String.valueOf(PTXAS);
    }

    private static Path find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "ptxas"));
                }
            }
        }
        try (var dirs = Files.newDirectoryStream(Path.of("/usr/local"), "cuda*")) {
            for (Path d : dirs) {
                candidates.add(d.resolve("bin/ptxas"));
            }
        } catch (IOException | RuntimeException e) {
            // no /usr/local/cuda*: PATH only
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** Assembles {@code ptx} for {@code arch}; returns null on success, else ptxas's messages. */
    public static String assemble(String ptx, String arch) throws IOException, InterruptedException {
        Result r = run(ptx, arch, false);
        return r.ok() ? null : r.output();
    }

    /** ptxas's outcome: success and its messages (with {@code -v}, the registers, spills and stack per kernel). */
    public record Result(boolean ok, String output) {}

    /** Assembles with {@code -v}: the messages name the registers used and the bytes spilled. */
    public static Result assembleVerbose(String ptx, String arch) throws IOException, InterruptedException {
        return run(ptx, arch, true);
    }

    private static Result run(String ptx, String arch, boolean verbose) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("squall-ptxas");
        try {
            Path in = dir.resolve("kernel.ptx");
            Files.writeString(in, ptx);
            List<String> command = new ArrayList<>(List.of(PTXAS.toString(), "-arch=" + arch));
            if (verbose) {
                command.add("-v");
            }
            command.addAll(
                    List.of(in.toString(), "-o", dir.resolve("kernel.cubin").toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "ptxas timed out");
            }
            return p.exitValue() == 0
                    ? new Result(true, out)
                    : new Result(false, "ptxas -arch=" + arch + " failed (exit " + p.exitValue() + "):\n" + out);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The PTX with line numbers, for failure messages. */
    public static String numbered(String ptx) {
        StringBuilder sb = new StringBuilder();
        String[] lines = ptx.split("\n");
        for (int i = 0; i < lines.length; i++) {
            sb.append(String.format("%4d  %s%n", i + 1, lines[i]));
        }
        return sb.toString();
    }
}
