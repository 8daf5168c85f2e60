package io.squall.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import io.squall.device.placement.BandwidthCache;
import io.squall.device.placement.BandwidthProbe;
import io.squall.device.placement.Placement;
import io.squall.device.placement.Stage;
import io.squall.exec.KernelCache;
import io.squall.model.accel.Engines;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.tensor.MemoryBandwidth;
import io.squall.model.tensor.Threads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end Llama benchmark across devices: the same GGUF on the CPU engine, every OpenCL device ({@code opencl:N}),
 * {@code ptx:N} when present, the JVM backend when asked, and layer splits ({@code opencl:0,cpu}, {@code opencl:0,opencl:1}).
 * <ul>
 * <li>{@code configs [--jvm]}: prints the configurations available here, one per line (what scripts/bench runs);</li>
 * <li>{@code run MODEL CONFIG PROMPT_TOKENS GEN_TOKENS RUNS RESULTS.jsonl}: measures one configuration in this process
 * (so its JIT compile time is its own) and appends one JSON line;</li>
 * <li>{@code llamacpp MODEL LLAMACPP.json RESULTS.jsonl}: appends llama.cpp's figures on the same file (a line of
 * bench/llamacpp/bench.mjs) as a row, with the CPU's bandwidth bound;</li>
 * <li>{@code report RESULTS.jsonl CHART.png}: prints the table and writes the bar chart.</li>
 * </ul>
 * Measured, as the mean and the sample standard deviation over the runs: prompt tokens/s (prefill), generation tokens/s (greedy, one forward pass per token), time to first token
 * (prefill of the prompt + the first generated token, warm), the JIT compile time (bytecode to kernel plus device builds,
 * first run), and the fraction of the bandwidth bound: weight bytes read per token x tokens/s / bandwidth, with a split's
 * bound the sum of each stage's bytes over its device's bandwidth.
 */
public final class EndToEndBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT_TEXT = "the quick brown fox jumps over the lazy dog ".repeat(64);
    static final int WINDOW = 1024;

    private EndToEndBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("configs")) {
            configurations(Arrays.asList(args).contains("--jvm")).forEach(System.out::println);
        } else if (args.length == 7 && args[0].equals("run")) {
            Result r = run(
                    Path.of(args[1]),
                    args[2],
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            Files.writeString(
                    Path.of(args[6]),
                    JSON.writeValueAsString(r) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } else if (args.length == 4 && args[0].equals("llamacpp")) {
            Result r = llamaCpp(
                    Path.of(args[1]), Files.readString(Path.of(args[2])).strip());
            Files.writeString(
                    Path.of(args[3]),
                    JSON.writeValueAsString(r) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } else if (args.length == 3 && args[0].equals("report")) {
            List<Result> results = read(Path.of(args[1]));
            System.out.print(table(results));
            BarChart.write(results, Path.of(args[2]));
            System.out.println("\nchart: " + args[2]);
        } else {
            System.err.println("""
                    usage: EndToEndBench configs [--jvm]
                           EndToEndBench run MODEL CONFIG PROMPT_TOKENS GEN_TOKENS RUNS RESULTS.jsonl
                           EndToEndBench llamacpp MODEL LLAMACPP.json RESULTS.jsonl   (bench/llamacpp/bench.mjs's line as a row)
                           EndToEndBench report RESULTS.jsonl CHART.png
                    CONFIG: cpu, a device id (opencl:0, ptx:0, jvm) or a comma-separated list splitting the layers evenly
                    (opencl:0,cpu). Threads of the CPU engine: -Dsquall.threads.""");
            System.exit(2);
        }
    }

    /** The CPU engine, every OpenCL and PTX device, the JVM backend if asked, and the splits this machine allows. */
    static List<String> configurations(boolean jvm) {
        List<String> configs = new ArrayList<>();
        configs.add("cpu");
        List<String> opencl = new ArrayList<>();
        for (ComputeDevice d : Devices.all()) {
            if (d.id().startsWith("opencl:") || d.id().startsWith("ptx:")) {
                configs.add(d.id());
                if (d.id().startsWith("opencl:")) {
                    opencl.add(d.id());
                }
            }
        }
        if (jvm) {
            configs.add("jvm");
        }
        if (!opencl.isEmpty()) {
            configs.add(opencl.getFirst() + ",cpu");
        }
        if (opencl.size() >= 2) {
            configs.add(opencl.get(0) + "," + opencl.get(1));
        }
        return configs;
    }

    /** One configuration's figures (times in ms, rates in tokens/s, bandwidth in GB/s). */
    public record Result(
            String config,
            String model,
            String devices,
            int threads,
            int promptTokens,
            int genTokens,
            int runs,
            double promptTps,
            double genTps,
            double ttftMs,
            double jitCompileMs,
            int kernelsCompiled,
            double setupMs,
            long weightBytesPerToken,
            double boundTps,
            double fractionOfBound,
            String bandwidths,
            String error,
            double promptSpread,
            double genSpread) {
        /** Without the spreads (one run, or a failure). */
        public Result(
                String config,
                String model,
                String devices,
                int threads,
                int promptTokens,
                int genTokens,
                int runs,
                double promptTps,
                double genTps,
                double ttftMs,
                double jitCompileMs,
                int kernelsCompiled,
                double setupMs,
                long weightBytesPerToken,
                double boundTps,
                double fractionOfBound,
                String bandwidths,
                String error) {
            this(
                    config,
                    model,
                    devices,
                    threads,
                    promptTokens,
                    genTokens,
                    runs,
                    promptTps,
                    genTps,
                    ttftMs,
                    jitCompileMs,
                    kernelsCompiled,
                    setupMs,
                    weightBytesPerToken,
                    boundTps,
                    fractionOfBound,
                    bandwidths,
                    error,
                    0,
                    0);
        }
    }

    static Result run(Path modelFile, String config, int promptTokens, int genTokens, int runs) throws IOException {
        String name = modelFile.getFileName().toString();
        System.err.println("bench: " + config + " on " + name);
        try (LlamaModel model = LlamaModel.load(modelFile, null)) {
            int window = Math.min(WINDOW, model.config().contextLength());
            if (promptTokens + genTokens > window) {
                throw new IllegalArgumentException("prompt + generation exceed the bench window of " + window);
            }
            int[] prompt = Arrays.copyOf(model.tokenizer().encode(PROMPT_TEXT, false, false), promptTokens);
            Placement placement;
            try {
                placement = Engines.place(model, window, config);
            } catch (RuntimeException e) {
                System.err.println("bench: " + config + ": " + e.getMessage());
                return new Result(
                        config,
                        name,
                        config,
                        Threads.count(),
                        promptTokens,
                        genTokens,
                        runs,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        "",
                        firstLine(e));
            }
            List<Stage> stages = placement.stages();
            // the bound's bandwidth probe runs after the measured runs: run first, its vector loop left C2 compiling
            // the CPU engine's Q4_0 decoding kernel in a slow form (see MemoryBandwidth)
            long compile0 = KernelCache.compileNanos();
            long builds0 = KernelCache.deviceBuilds() + KernelCache.binaryLoads();
            long t0 = System.nanoTime();
            InferenceEngine engine;
            try {
                engine = Engines.create(model, window, config, s -> System.err.println("bench:   " + s));
            } catch (RuntimeException e) {
                return failed(config, name, stages, bound(model, placement), promptTokens, genTokens, runs, e);
            }
            try {
                // first run: compiles the kernels, copies the weights
                int warm = Math.min(4, promptTokens);
                engine.forwardGreedy(argmax(engine.prefill(prompt, 0, warm, 0)), warm);
                double setupMs = (System.nanoTime() - t0) / 1e6;
                double jitMs = (KernelCache.compileNanos() - compile0) / 1e6;
                int compiled = (int) (KernelCache.deviceBuilds() + KernelCache.binaryLoads() - builds0);
                // every run counts: the mean and the spread, not the best (a shared machine's noise shows as spread)
                double[] promptTps = new double[runs];
                double[] genTps = new double[runs];
                double[] ttft = new double[runs];
                for (int r = 0; r < runs; r++) {
                    long a = System.nanoTime();
                    float[] logits = engine.prefill(prompt, 0, promptTokens, 0);
                    long b = System.nanoTime();
                    int token = argmax(logits);
                    token = engine.forwardGreedy(token, promptTokens);
                    long c = System.nanoTime();
                    for (int i = 1; i < genTokens; i++) {
                        token = engine.forwardGreedy(token, promptTokens + i);
                    }
                    long d = System.nanoTime();
                    promptTps[r] = promptTokens / ((b - a) / 1e9);
                    genTps[r] = genTokens / ((d - b) / 1e9);
                    ttft[r] = (c - a) / 1e6;
                }
                double promptMean = mean(promptTps);
                double gen = mean(genTps);
                System.err.printf(
                        Locale.ROOT,
                        "bench: %s prompt %.2f +- %.2f tok/s, generation %.2f +- %.2f tok/s (%d runs), JIT %.0f ms%n",
                        config,
                        promptMean,
                        spread(promptTps),
                        gen,
                        spread(genTps),
                        runs,
                        jitMs);
                Bound bound = bound(model, placement);
                return new Result(
                        config,
                        name,
                        describe(stages),
                        Threads.count(),
                        promptTokens,
                        genTokens,
                        runs,
                        promptMean,
                        gen,
                        mean(ttft),
                        jitMs,
                        compiled,
                        setupMs,
                        bound.bytes(),
                        bound.tokensPerSecond(),
                        gen / bound.tokensPerSecond(),
                        bound.bandwidths(),
                        null,
                        spread(promptTps),
                        spread(genTps));
            } catch (RuntimeException e) {
                return failed(config, name, stages, bound(model, placement), promptTokens, genTokens, runs, e);
            } finally {
                closeQuietly(engine, config);
            }
        }
    }

    static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** The sample standard deviation (0 for one value). */
    static double spread(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /**
     * llama.cpp's figures (one JSON line of bench/llamacpp/bench.mjs, run on the same file and threads) as a result row
     * beside the configurations, with the CPU's bandwidth bound.
     */
    static Result llamaCpp(Path modelFile, String json) throws IOException {
        var node = JSON.readTree(json);
        try (LlamaModel model = LlamaModel.load(modelFile, null)) {
            Bound bound = bound(
                    model, Engines.place(model, Math.min(WINDOW, model.config().contextLength()), "cpu"));
            double gen = node.path("generationTokensPerSecondMean")
                    .asDouble(node.path("generationTokensPerSecond").asDouble());
            double prompt = node.path("promptTokensPerSecondMean")
                    .asDouble(node.path("promptTokensPerSecond").asDouble());
            return new Result(
                    "llama.cpp",
                    modelFile.getFileName().toString(),
                    node.path("engine").asText("llama.cpp") + ", CPU",
                    node.path("threads").asInt(),
                    node.path("promptTokens").asInt(),
                    node.path("generatedTokens").asInt(),
                    node.path("runs").asInt(1),
                    prompt,
                    gen,
                    0,
                    0,
                    0,
                    0,
                    bound.bytes(),
                    bound.tokensPerSecond(),
                    gen / bound.tokensPerSecond(),
                    bound.bandwidths(),
                    null,
                    node.path("promptTokensPerSecondSpread").asDouble(),
                    node.path("generationTokensPerSecondSpread").asDouble());
        }
    }

    /** A failure to release the engine comes after the measurement: reported, not counted as a failed run. */
    private static void closeQuietly(InferenceEngine engine, String config) {
        try {
            engine.close();
        } catch (RuntimeException e) {
            System.err.println("bench: " + config + ": closing the engine failed (after the measurement): " + e);
        }
    }

    private static Result failed(
            String config,
            String name,
            List<Stage> stages,
            Bound bound,
            int promptTokens,
            int genTokens,
            int runs,
            RuntimeException e) {
        System.err.println("bench: " + config + " failed: " + e.getMessage());
        return new Result(
                config,
                name,
                describe(stages),
                Threads.count(),
                promptTokens,
                genTokens,
                runs,
                0,
                0,
                0,
                0,
                0,
                0,
                bound.bytes(),
                bound.tokensPerSecond(),
                0,
                bound.bandwidths(),
                firstLine(e));
    }

    private static String firstLine(RuntimeException e) {
        String msg = String.valueOf(e.getMessage());
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static String describe(List<Stage> stages) {
        StringBuilder sb = new StringBuilder();
        for (Stage s : stages) {
            sb.append(sb.isEmpty() ? "" : " + ")
                    .append(s.deviceId())
                    .append(" [")
                    .append(s.firstLayer())
                    .append('-')
                    .append(s.endLayer())
                    .append(')');
        }
        return sb.toString();
    }

    /**
     * The bandwidth bound of a placement: each stage reads its layers' weights once per token from its device's memory, and
     * the output head's device reads the classifier; the bound is 1 / sum(bytes_i / bandwidth_i) tokens/s.
     */
    record Bound(long bytes, double tokensPerSecond, String bandwidths) {}

    static Bound bound(LlamaModel model, Placement placement) {
        GGUFFile gguf = model.gguf();
        long[] layerBytes = new long[model.config().layers()];
        for (TensorInfo t : gguf.tensors()) {
            if (t.name().startsWith("blk.")) {
                int dot = t.name().indexOf('.', 4);
                layerBytes[Integer.parseInt(t.name().substring(4, dot))] += t.byteSize();
            }
        }
        Map<String, Long> bytesOn = new LinkedHashMap<>();
        for (Stage s : placement.stages()) {
            for (int l = s.firstLayer(); l < s.endLayer(); l++) {
                bytesOn.merge(s.deviceId(), layerBytes[l], Long::sum);
            }
        }
        bytesOn.merge(
                placement.outputDevice(),
                model.output()
                        .type()
                        .byteSize((long) model.output().rows() * model.output().cols()),
                Long::sum);
        double seconds = 0;
        long total = 0;
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : bytesOn.entrySet()) {
            double bw = bandwidth(e.getKey());
            seconds += e.getValue() / bw;
            total += e.getValue();
            sb.append(sb.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.1f GB/s", bw / 1e9));
        }
        return new Bound(total, 1 / seconds, sb.toString());
    }

    /**
     * Bytes/s, measured in this run (the machine may be shared, so a figure cached earlier may be stale): the CPU engine's
     * read probe for {@code cpu}, the runtime's copy kernel for a device (the placement's cache is refreshed with it).
     */
    static double bandwidth(String deviceId) {
        if (deviceId.equals("cpu")) {
            return MemoryBandwidth.measureReadGBps() * 1e9;
        }
        ComputeDevice device = Devices.get(deviceId);
        BandwidthProbe.Result r = BandwidthProbe.measure(device);
        BandwidthCache.standard().put(device, r);
        return r.bytesPerSecond();
    }

    static List<Result> read(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, Result.class));
            }
        }
        return out;
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        if (!results.isEmpty()) {
            Result f = results.getFirst();
            sb.append(String.format(
                    Locale.ROOT,
                    "%s, prompt %d tokens, generation %d tokens (greedy), mean +- standard deviation of %d runs, CPU engine %d threads%n%n",
                    f.model(),
                    f.promptTokens(),
                    f.genTokens(),
                    f.runs(),
                    f.threads()));
        }
        sb.append(
                "| configuration | layers | prompt tok/s | generation tok/s | fraction of bandwidth bound | time to first token | JIT compile | bandwidth used for the bound |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            if (r.error() != null) {
                sb.append(String.format(
                        Locale.ROOT, "| %s | %s | failed: %s | | | | | |%n", r.config(), r.devices(), r.error()));
                continue;
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.2f +- %.2f | %.2f +- %.2f | %.0f%% (bound %.1f tok/s) | %.0f ms | %.1f s (%d kernels) | %s |%n",
                    r.config(),
                    r.devices(),
                    r.promptTps(),
                    r.promptSpread(),
                    r.genTps(),
                    r.genSpread(),
                    100 * r.fractionOfBound(),
                    r.boundTps(),
                    r.ttftMs(),
                    r.jitCompileMs() / 1e3,
                    r.kernelsCompiled(),
                    r.bandwidths()));
        }
        return sb.toString();
    }
}
