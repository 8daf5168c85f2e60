package io.squall.model.cli;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.TestModels;
import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Misuse of the {@code llama} command as a careful user or an attacker would try it, each case in a forked JVM: a
 * crash, an OutOfMemoryError, a hang or a stack trace is the failure tested for. Every case checks the exit code,
 * that the message names what is wrong, and that no stack trace reaches the user.
 */
class MisuseTest {
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        /** The exit code, the message and no stack trace (a crash or an uncaught exception prints one). */
        Result expect(int exitCode, String... messages) {
            assertEquals(exitCode, code, "exit code; stderr:\n" + err);
            for (String m : messages) {
                assertTrue(err.contains(m), "stderr should contain '" + m + "':\n" + err);
            }
            return noStackTrace();
        }

        Result noStackTrace() {
            for (String trace :
                    List.of("\tat ", "Exception in thread", "java.lang.OutOfMemoryError", "hs_err_pid", "SIGSEGV")) {
                assertFalse(
                        err.contains(trace) || out.contains(trace),
                        "a crash or stack trace (" + trace.strip() + "):\n" + err);
            }
            return this;
        }
    }

    /** Runs {@code llama args} in a new JVM (the launcher's flags, the test class path) with a 256 MB heap. */
    static Result llama(String... args) throws Exception {
        return llama(pb -> {}, args);
    }

    static Result llama(Consumer<ProcessBuilder> setup, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        setup.accept(pb);
        Process p = pb.start();
        CompletableFuture<String> out = pb.redirectOutput().type() == ProcessBuilder.Redirect.Type.PIPE
                ? CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()))
                : CompletableFuture.completedFuture("");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("hang: llama " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-Xmx256m",
                "-Dsquall.home=" + Path.of("..").toAbsolutePath().normalize(),
                "-cp",
                System.getProperty("java.class.path"),
                LlamaCli.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String stories() {
        return TestModels.stories().toString();
    }

    /** A copy of the stories model with {@code metadata} changed and F32 tensors replaced or added (name to data). */
    Path storiesWith(String name, Consumer<GGUFWriter> metadata, Map<String, float[]> replaced) throws IOException {
        Path p = dir.resolve(name);
        try (GGUFFile f = GGUFFile.open(TestModels.stories())) {
            GGUFWriter w = new GGUFWriter().putAll(f, "");
            metadata.accept(w);
            for (TensorInfo t : f.tensors()) {
                float[] data = replaced.get(t.name());
                if (data != null) {
                    assertEquals(GGMLType.F32, t.type(), t.name());
                    w.addTensor(t.name(), GGMLType.F32, t.dims(), MemorySegment.ofArray(data));
                } else {
                    w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
                }
            }
            for (Map.Entry<String, float[]> e : replaced.entrySet()) {
                if (f.tensor(e.getKey()) == null) { // an added matrix of the embedding's width
                    w.addTensor(
                            e.getKey(),
                            GGMLType.F32,
                            new long[] {64, e.getValue().length / 64},
                            MemorySegment.ofArray(e.getValue()));
                }
            }
            w.write(p);
        }
        return p;
    }

    static float[] tensor(String name) throws IOException {
        try (GGUFFile f = GGUFFile.open(TestModels.stories())) {
            TensorInfo t = f.tensor(name);
            return f.tensorData(t).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    // ------------------------------------------------------------------ hyper-parameters and sizes from the file

    @Test
    void absurdBlockCountIsANamedErrorNotAnOutOfMemoryError() throws Exception {
        for (int blocks : new int[] {Integer.MAX_VALUE, 1_400_000_000, 6}) {
            Path p = storiesWith("blocks-" + blocks + ".gguf", w -> w.putUInt32("llama.block_count", blocks), Map.of());
            String expected =
                    "llama.block_count = " + blocks + " but the tensor table has 5 blocks (blk.N for N in 0..4)";
            llama("--model", p.toString(), "-n", "4").expect(1, p.toString(), expected);
            llama("--model", p.toString(), "--explain-placement").expect(1, p.toString(), expected);
            Result info = llama("info", "--model", p.toString()).expect(0);
            assertTrue(info.out().contains("not a runnable llama model: " + p + ": " + expected), info.out());
        }
    }

    @Test
    void hyperParametersThatDisagreeWithTheTensorsAreNamed() throws Exception {
        Path kv = storiesWith("kv.gguf", w -> w.putUInt32("llama.attention.head_count_kv", 2), Map.of());
        llama("--model", kv.toString(), "-n", "1")
                .expect(
                        1,
                        "tensor blk.0.attn_k.weight has shape [64, 32] but "
                                + "llama.embedding_length = 64 and llama.attention.head_count_kv x head size = 16 make it [64, 16]");
        Path ffn = storiesWith("ffn.gguf", w -> w.putUInt32("llama.feed_forward_length", 1 << 30), Map.of());
        llama("--model", ffn.toString(), "--explain-placement").expect(1, "llama.feed_forward_length = 1073741824");
        Path ctx = storiesWith("ctx.gguf", w -> w.putUInt32("llama.context_length", Integer.MAX_VALUE), Map.of());
        llama("--model", ctx.toString(), "-n", "1").expect(1, ctx + ": llama.context_length = 2147483647 is beyond");
    }

    @Test
    void hugeMaxTokensIsBoundedByTheWindowNotAllocated() throws Exception {
        Result r = llama("--model", stories(), "--max-tokens", "2147483647", "--ctx-size", "64", "--temperature", "0");
        r.expect(0);
        assertTrue(
                r.err().contains("the context window of 64 tokens is full")
                        || r.err().contains("(end_of_generation)"),
                r.err());
        assertTrue(r.out().startsWith("Once upon a time"), r.out());
    }

    @Test
    void badOptionsNameTheOption() throws Exception {
        llama("--model", stories(), "--top-k", "-5").expect(2, "--top-k must be >= 0");
        llama("--model", stories(), "--ctx-size", "-1").expect(2, "--ctx-size must be >= 1, got -1");
        llama("--model", stories(), "--ctx-size", "-1", "--explain-placement").expect(2, "--ctx-size must be >= 1");
        llama("--model", stories(), "--ctx-size", "100000", "-n", "1")
                .expect(
                        1,
                        "context size 100000 (--ctx-size, Options.contextSize) is beyond the model's context_length 512");
        llama("--model", stories(), "--temperature", "-1").expect(2, "--temperature must be >= 0");
        llama("--model", stories(), "--repeat-last-n", "-3").expect(2, "--repeat-last-n must be >= 0");
        llama("--model", stories(), "--threads", "2147483647").expect(2, "--threads must be in 1..");
    }

    // ------------------------------------------------------------------ text from files reaching the terminal

    @Test
    void controlSequencesFromTheFileAreEscaped() throws Exception {
        String title = "\u001b]0;owned\u0007\u001b[2J\u009b31m";
        Path p = storiesWith(
                "ansi.gguf", w -> w.putString("general.name", title).putString("x.\u001b[31mred", "v"), Map.of());
        Result info = llama("info", "--model", p.toString()).expect(0);
        assertTrue(info.out().contains("general.name = \"\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\""), info.out());
        assertTrue(info.out().contains("x.\\x1b[31mred = \"v\""), info.out());
        assertNoControlCharacters(info.out());

        Path arch = storiesWith("arch.gguf", w -> w.putString("general.architecture", "gpt2" + title), Map.of());
        Result run =
                llama("--model", arch.toString(), "-n", "1").expect(1, "general.architecture is 'gpt2\\x1b]0;owned");
        assertNoControlCharacters(run.err());
    }

    private static void assertNoControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertFalse(
                    c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f,
                    "control character U+" + Integer.toHexString(c) + " at " + i + ": " + s);
        }
    }

    // ------------------------------------------------------------------ output that cannot be written

    @Test
    void closedPipeStopsTheGenerationEarly() throws Exception {
        Process p = new ProcessBuilder(
                        command("--model", stories(), "--stream", "--temperature", "0", "--max-tokens", "100000"))
                .redirectErrorStream(false)
                .start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] head = p.getInputStream().readNBytes(10); // `| head -c 10`
        p.getInputStream().close();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "hang after the reader closed the pipe");
        Result r = new Result(p.exitValue(), new String(head, StandardCharsets.UTF_8), err.get());
        r.expect(1, "llama: cannot write to standard output (Broken pipe); stopped");
        assertFalse(r.err().contains("generation:"), "stopped before finishing the generation: " + r.err());
    }

    @Test
    void fullDiskIsAnErrorNotLostOutput() throws Exception {
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "/dev/full is absent on this system");
        llama(pb -> pb.redirectOutput(full), "--model", stories(), "-n", "20", "--seed", "1")
                .expect(1, "cannot write to standard output (No space left on device)");
        llama(pb -> pb.redirectOutput(full), "info", "--model", stories())
                .expect(1, "cannot write to standard output (No space left on device)");
        llama(pb -> pb.redirectOutput(full), "--help")
                .expect(1, "cannot write to standard output (No space left on device)");
    }

    // ------------------------------------------------------------------ interrupted writers

    @Test
    void interruptedConverterLeavesNoPartialFile() throws Exception {
        Path out = dir.resolve("out").resolve("small.gguf");
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(command("synthetic", "--preset", "small", "--out", out.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (listing(out.getParent()).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the writer finished before it could be interrupted: " + listing(out.getParent()));
        assertTrue(
                listing(out.getParent()).getFirst().endsWith(".partial"),
                listing(out.getParent()).toString());
        p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: shutdown hooks run
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "hang after SIGTERM");
        assertEquals(List.of(), listing(out.getParent()), "no partial (or half-written) file stays behind");
    }

    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void converterErrorsNameTheFileAndTheProblem() throws Exception {
        Path missing = dir.resolve("missing.bin");
        llama(
                        "convert-llama2c",
                        "--checkpoint",
                        missing.toString(),
                        "--tokenizer",
                        missing.toString(),
                        "--out",
                        dir.resolve("x.gguf").toString())
                .expect(1, missing + ": opening the checkpoint failed: no such file");
        llama(
                        "convert-llama2c",
                        "--checkpoint",
                        dir.toString(),
                        "--tokenizer",
                        missing.toString(),
                        "--out",
                        dir.resolve("x.gguf").toString())
                .expect(1, dir + ": is a directory");
        llama(
                        "convert-tokenizer",
                        "--input",
                        dir.resolve("tokenizer.model").toString(),
                        "--out",
                        dir.resolve("v.gguf").toString())
                .expect(1, dir.resolve("tokenizer.model") + ": no such file");
    }

    // ------------------------------------------------------------------ NaN logits

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "jvm", "opencl:0"})
    void nanLogitsAreOneClearErrorOnEveryEngine(String device) throws Exception {
        if (device.startsWith("opencl")) {
            assumeTrue(hasOpenCLDevice(), "no OpenCL device");
        }
        float[] nanNorm = new float[64];
        Arrays.fill(nanNorm, Float.NaN);
        Path first = storiesWith("nan-norm.gguf", w -> {}, Map.of("output_norm.weight", nanNorm));
        // NaN embedding rows for every token but BOS (the prompt): the prompt's logits are fine, the next step's are
        // NaN
        // whichever token an engine picks first
        // (the classifier becomes a separate output.weight: the tied one would be NaN at once)
        Path later = storiesWith(
                "nan-later.gguf",
                w -> {},
                Map.of("token_embd.weight", nanRowsExceptBos(), "output.weight", tensor("token_embd.weight")));
        for (String[] sampling : new String[][] {{"--temperature", "0"}, {"--seed", "7"}}) {
            llama(concat(new String[] {"--model", first.toString(), "--device", device, "-n", "5"}, sampling))
                    .expect(1, "the model produced NaN logits at position 0");
            llama(concat(new String[] {"--model", later.toString(), "--device", device, "-n", "5"}, sampling))
                    .expect(1, "the model produced NaN logits at position 1");
        }
    }

    private static float[] nanRowsExceptBos() throws IOException {
        float[] embedding = tensor("token_embd.weight");
        Arrays.fill(embedding, Float.NaN);
        float[] original = tensor("token_embd.weight");
        int bos = 1; // the stories vocabulary's <s>
        System.arraycopy(original, bos * 64, embedding, bos * 64, 64);
        return embedding;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static boolean hasOpenCLDevice() {
        try {
            return io.squall.backend.opencl.driver.OpenCL.isAvailable()
                    && !io.squall.backend.opencl.driver.OpenCL.devices().isEmpty();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ devices

    @Test
    void devicesJsonSizeBeyondALongIsANamedError() throws Exception {
        Path json = dir.resolve("devices.json");
        Files.writeString(
                json,
                "{\"stages\": \"auto\", \"devices\": [{\"id\": \"jvm\", \"memory\": \"99999999999999999999TB\"}]}");
        llama("--model", stories(), "--device", json.toString(), "--explain-placement")
                .expect(1, json + ": devices[0].memory is beyond 8 EiB (2^63 bytes), found \"99999999999999999999TB\"");
    }

    @Test
    void aDeviceWithoutItsDriverSaysWhy() throws Exception {
        Path noVendors = Files.createDirectories(dir.resolve("no-vendors"));
        // the ICD loader then finds no driver: what `tornado --devices` reports must reach the user here too
        Result r = llama(
                pb -> pb.environment().put("OCL_ICD_VENDORS", noVendors.toString()),
                "--model",
                stories(),
                "--device",
                "opencl:0",
                "-n",
                "1");
        r.expect(1, "\"opencl:0\": no such device (", "OpenCL");
    }
}
