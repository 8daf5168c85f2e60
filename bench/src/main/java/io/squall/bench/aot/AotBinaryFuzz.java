package io.squall.bench.aot;

import io.squall.api.annotations.Parallel;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.LaunchRequest;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.device.Devices;
import io.squall.device.placement.AotBuild;
import io.squall.device.placement.BinaryManifest;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Fuzzes the AOT kernel-binary path: builds one kernel with {@link AotBuild} (binary and SHA256SUMS), then loads
 * mutants of the binary (truncated at a random length, or 1-8 random bytes changed) and counts the outcomes.
 *
 * <p>Each mutant is loaded the way devices.json binaries are: checked against the manifest
 * ({@link BinaryManifest#readVerified}), then given to the driver (clCreateProgramWithBinary + clBuildProgram), and a
 * program that builds is run once and its result compared. {@code --unchecked N} also feeds N mutants to the driver
 * without the checksum, to show what the manifest protects from. Mutants run in worker JVMs, so a crash is counted
 * (against the mutant the worker was on) and the next worker continues after it.
 *
 * <pre>
 * scripts/fuzz-aot [--mutants 100000] [--unchecked 100] [--seed 1] [--device opencl:0] [--batch 20000]
 * </pre>
 * Outcomes: {@code rejected-checksum} and {@code rejected-driver} are clean errors; {@code ran-correct} and
 * {@code ran-wrong} loaded and ran; {@code crash} killed the worker JVM; {@code unexpected} is an exception other than the
 * runtime's clear errors (a bug). Exit status 1 when any crash or unexpected outcome happened on the checked path.
 */
public final class AotBinaryFuzz {
    private AotBinaryFuzz() {}

    static final String TASK = "fuzz.scale";
    static final int N = 64;

    /** The kernel the binary holds. */
    public static void scale(FloatArray a, float factor) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, a.get(i) * factor);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            worker(
                    Path.of(args[1]),
                    args[2].equals("checked"),
                    Long.parseLong(args[3]),
                    Long.parseLong(args[4]),
                    Long.parseLong(args[5]),
                    args[6]);
            return;
        }
        long mutants = 100_000, unchecked = 100, seed = 1, batch = 20_000;
        String device = "opencl:0";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mutants" -> mutants = Long.parseLong(args[++i]);
                case "--unchecked" -> unchecked = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--batch" -> batch = Long.parseLong(args[++i]);
                case "--device" -> device = args[++i];
                case "--help", "-h" -> {
                    System.out.println(
                            "usage: fuzz-aot [--mutants N] [--unchecked N] [--seed S] [--device opencl:N] [--batch N]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Path dir = Files.createTempDirectory("squall-aot-fuzz");
        Path bin = buildReference(device, dir);
        System.out.printf(
                Locale.ROOT,
                "aot-fuzz: %s, reference binary %s (%d bytes), seed %d%n",
                device,
                bin,
                Files.size(bin),
                seed);
        boolean clean = true;
        for (boolean checked : new boolean[] {true, false}) {
            long count = checked ? mutants : unchecked;
            if (count == 0) {
                continue;
            }
            long start = System.nanoTime();
            Map<String, Long> outcomes = run(dir, checked, seed, count, batch, device);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d mutants in %.1f s (%.0f/s)%n",
                    checked
                            ? "through the checksum (as devices.json loads them)"
                            : "straight to the driver (no checksum)",
                    count,
                    seconds,
                    count / seconds);
            outcomes.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-18s %d%n", k, v));
            if (checked) {
                clean = outcomes.getOrDefault("crash", 0L) == 0 && outcomes.getOrDefault("unexpected", 0L) == 0;
            }
        }
        deleteTree(dir);
        System.exit(clean ? 0 : 1);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Emits the kernel as OpenCL C and builds it with AotBuild (which also writes SHA256SUMS); returns the binary. */
    static Path buildReference(String device, Path dir) throws Exception {
        Kernel k = compile();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(
                src.resolve(TASK + ".cl"),
                OpenCLEmitter.emit(k, Devices.get(device).capabilities()));
        return AotBuild.build(device, src, dir.resolve("bin"), false, null)
                .getFirst()
                .binary();
    }

    /** Runs mutants [0, count) in worker JVMs, restarting after a crash; returns outcome counts. */
    static Map<String, Long> run(Path dir, boolean checked, long seed, long count, long batch, String device)
            throws Exception {
        Map<String, Long> outcomes = new TreeMap<>();
        long next = 0;
        while (next < count) {
            long to = Math.min(count, next + batch);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=/dev/null",
                    "-Xshare:auto",
                    "-cp",
                    System.getProperty("java.class.path"),
                    AotBinaryFuzz.class.getName(),
                    "--worker",
                    dir.toString(),
                    checked ? "checked" : "unchecked",
                    Long.toString(seed),
                    Long.toString(next),
                    Long.toString(to),
                    device));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            long last = next - 1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ", 2);
                    if (f.length == 2 && f[0].matches("\\d+")) {
                        last = Long.parseLong(f[0]);
                        outcomes.merge(f[1], 1L, Long::sum);
                    }
                }
            }
            int status = p.waitFor();
            if (last + 1 < to) { // the worker died on mutant last + 1
                outcomes.merge("crash", 1L, Long::sum);
                next = last + 2;
                if (status == 0) {
                    throw new IllegalStateException("worker exited 0 before mutant " + (last + 1));
                }
            } else {
                next = to;
            }
        }
        return outcomes;
    }

    /** Mutant {@code i}: even ones truncated, odd ones with 1-8 bytes changed (never to the same value). */
    static byte[] mutant(byte[] good, long seed, long i) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + i);
        if (i % 2 == 0) {
            return Arrays.copyOf(good, rnd.nextInt(good.length));
        }
        byte[] m = good.clone();
        for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
            m[rnd.nextInt(m.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        return m;
    }

    private static void worker(Path dir, boolean checked, long seed, long from, long to, String deviceId)
            throws Exception {
        Path reference = dir.resolve("bin").resolve(TASK + ".bin");
        byte[] good = Files.readAllBytes(reference);
        Path work = Files.createDirectories(
                dir.resolve("work-" + ProcessHandle.current().pid()));
        Files.copy(dir.resolve("bin").resolve(BinaryManifest.FILE_NAME), work.resolve(BinaryManifest.FILE_NAME));
        Path file = work.resolve(TASK + ".bin");
        ComputeDevice device = Devices.get(deviceId);
        Kernel kernel = compile();
        FloatArray a = new FloatArray(N);
        DeviceBuffer buffer = device.allocate(4L * N);
        try {
            for (long i = from; i < to; i++) {
                byte[] m = mutant(good, seed, i);
                String outcome;
                try {
                    byte[] bytes = m;
                    if (checked) {
                        Files.write(file, m);
                        bytes = BinaryManifest.readVerified(file, deviceId);
                    }
                    outcome = runOnce(device, kernel, a, buffer, bytes, file.toString());
                } catch (TornadoRuntimeException e) {
                    outcome = e.getMessage().contains("SHA-256") ? "rejected-checksum" : "rejected-driver";
                } catch (RuntimeException e) {
                    outcome = "unexpected";
                    System.err.println("mutant " + i + ": " + e);
                }
                System.out.println(i + " " + outcome);
                System.out.flush();
            }
        } finally {
            buffer.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(work.resolve(BinaryManifest.FILE_NAME));
            Files.deleteIfExists(work);
        }
    }

    static Kernel compile() throws NoSuchMethodException {
        return JitCompiler.compile(
                AotBinaryFuzz.class.getMethod("scale", FloatArray.class, float.class),
                List.of(ArgSpec.of(FloatArray.class), ArgSpec.of(Float.class)),
                CompileOptions.defaults());
    }

    /** Loads the binary as the runtime does, runs scale(a, 2) on 0..N-1 through the device and checks the result. */
    private static String runOnce(
            ComputeDevice device, Kernel kernel, FloatArray a, DeviceBuffer buffer, byte[] binary, String origin) {
        CompiledTask task = device.loadBinary(kernel, binary, origin, CompileOptions.defaults());
        for (int i = 0; i < N; i++) {
            a.set(i, i);
        }
        device.write(buffer, 0, a.getSegment(), 4L * N, true);
        device.launch(new LaunchRequest(
                TASK,
                null,
                kernel,
                task,
                new Object[] {a, 2f},
                new DeviceBuffer[] {buffer, null},
                new long[] {N},
                null));
        device.finish();
        device.read(buffer, 0, a.getSegment(), 4L * N);
        for (int i = 0; i < N; i++) {
            if (a.get(i) != 2f * i) {
                return "ran-wrong";
            }
        }
        return "ran-correct";
    }
}
