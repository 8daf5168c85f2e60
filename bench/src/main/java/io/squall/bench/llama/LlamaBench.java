package io.squall.bench.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.model.convert.SyntheticModel;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.sampling.Sampler;
import io.squall.model.tensor.MemoryBandwidth;
import io.squall.model.tensor.Threads;
import io.squall.model.tokenizer.convert.VocabularyConverters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU engine speed on synthetic Llama-3.2-1B-shaped models (random weights, the real Llama 3 vocabulary):
 * prompt and generation tokens/s, the machine's read bandwidth measured in the same run, and the fraction of the
 * bandwidth bound reached (weight bytes per token / time per token / bandwidth). Optionally prints llama.cpp's
 * figures for the same files next to Squall's (JSON lines written by bench/llamacpp/bench.mjs).
 * <p>
 * {@code prepare} writes the vocabulary and models once (skipping existing ones); {@code run} measures one model and
 * appends a JSON line; {@code report} prints the table. scripts/bench-cpu drives them, alternating llama.cpp and
 * Squall per type so both see the same machine load. Threads: -Dsquall.threads.
 */
public final class LlamaBench {
    /** The prompt both engines run: regular text tokens, the same ids on both sides. */
    static final String PROMPT_TEXT = "the quick brown fox jumps over the lazy dog ".repeat(64);

    static final int WINDOW = 1024;
    static final int RUNS = 3;

    private LlamaBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("prepare")) {
            prepare(Path.of(args[1]), Path.of(args[2]), types(args.length > 3 ? args[3] : "q8_0,q4_0,f16"));
        } else if (args.length == 6 && args[0].equals("run")) {
            run(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]));
        } else if (args.length == 8 && args[0].equals("cold")) {
            cold(
                    Path.of(args[1]),
                    args[2],
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]),
                    Path.of(args[5]),
                    Path.of(args[6]),
                    Integer.parseInt(args[7]));
        } else if ((args.length == 3 || args.length == 4) && args[0].equals("report")) {
            report(Path.of(args[1]), Path.of(args[2]), args.length == 4 ? Path.of(args[3]) : null);
        } else {
            System.err.println(
                    "usage: LlamaBench prepare CACHE_DIR TOKENIZER_DIR [MODELS]   (q8_0, q4_0, q4_k_m, f16, ...; 8b-q4_0 for the Llama-3-8B shape)\n"
                            + "       LlamaBench run CACHE_DIR MODEL PROMPT_TOKENS GEN_TOKENS RESULTS_JSONL   (warm JVM; appends one line)\n"
                            + "       LlamaBench cold CACHE_DIR MODEL PROMPT_TOKENS GEN_TOKENS RESULTS_JSONL LLAMA_SCRIPT THREADS   (the `llama` command, cold JVM)\n"
                            + "       LlamaBench report SQUALL_JSONL LLAMACPP_JSONL [CHART_PNG]");
            System.exit(2);
        }
    }

    static List<String> types(String csv) {
        return Arrays.stream(csv.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Llama 3 8B's shape (untied classifier, Llama 3.1 rope scaling): about 4.6 GB in Q4_0. */
    static final SyntheticModel.Spec LLAMA3_8B = new SyntheticModel.Spec(
            "synthetic-llama3-8b",
            4096,
            14336,
            32,
            32,
            8,
            128256,
            500000f,
            131072,
            1e-5f,
            false,
            new SyntheticModel.Llama3RopeScaling(8f, 1f, 4f, 8192));

    /** A model name is a type (the Llama-3.2-1B shape) or 8b-TYPE (the Llama-3-8B shape). */
    static Path modelPath(Path cache, String model) {
        return model.startsWith("8b-")
                ? cache.resolve("synthetic-llama3-8b-" + model.substring(3) + ".gguf")
                : cache.resolve("synthetic-llama3.2-1b-" + model + ".gguf");
    }

    static SyntheticModel.Spec spec(String model) {
        return model.startsWith("8b-") ? LLAMA3_8B : SyntheticModel.preset("llama3.2-1b");
    }

    static String typeOf(String model) {
        return model.startsWith("8b-") ? model.substring(3) : model;
    }

    /** The Llama 3 vocabulary (converted by Squall from tokenizer.json) and one model per type, written once. */
    static void prepare(Path cache, Path tokenizerDir, List<String> types) throws IOException {
        Files.createDirectories(cache);
        Path vocab = cache.resolve("llama3-vocab.gguf");
        if (!Files.exists(vocab)) {
            System.err.println("bench: converting the Llama 3 vocabulary from " + tokenizerDir);
            GGUFWriter w = new GGUFWriter();
            Path config = tokenizerDir.resolve("tokenizer_config.json");
            VocabularyConverters.fromHuggingFace(
                    tokenizerDir.resolve("tokenizer.json"), Files.exists(config) ? config : null, w);
            Path tmp = cache.resolve("llama3-vocab.gguf.tmp");
            w.write(tmp);
            Files.move(tmp, vocab);
        }
        try (GGUFFile vocabulary = GGUFFile.open(vocab)) {
            for (String type : types) {
                Path out = modelPath(cache, type);
                if (Files.exists(out)) {
                    System.err.println("bench: have " + out);
                    continue;
                }
                System.err.println("bench: writing " + out);
                Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
                SyntheticModel.write(
                        spec(type),
                        SyntheticModel.TypeScheme.parse(typeOf(type)),
                        vocabulary,
                        42,
                        tmp,
                        s -> System.err.println("bench:   " + s));
                Files.move(tmp, out);
            }
        }
    }

    record Result(
            String type,
            double gigabytes,
            long bytesPerToken,
            int promptTokens,
            double promptTps,
            int genTokens,
            double genTps,
            double promptCpuMsPerToken,
            double genCpuMsPerToken) {}

    /** CPU time of this process, all threads (as node's process.cpuUsage() for llama.cpp). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Measures one model and appends a JSON line: speeds, weight bytes per token, and the read bandwidth probed around it. */
    static void run(Path cache, String type, int promptTokens, int genTokens, Path results) throws IOException {
        System.err.printf("bench: %d threads%n", Threads.count());
        // the probes after the run: one before it left C2 compiling the Q4_0 decoding kernel in a slow form (see
        // MemoryBandwidth); two of them, the CPU being shared: the better one
        Result r = measure(modelPath(cache, type), type, promptTokens, genTokens);
        System.err.println("bench: measuring read bandwidth...");
        double bandwidth = Math.max(MemoryBandwidth.measureReadGBps(), MemoryBandwidth.measureReadGBps());
        System.err.printf("bench: read bandwidth %.2f GB/s%n", bandwidth);
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("type", type);
        line.put("engine", "Squall");
        line.put("path", "warm");
        line.put("threads", Threads.count());
        line.put("promptTokens", promptTokens);
        line.put("promptTokensPerSecond", r.promptTps());
        line.put("generatedTokens", genTokens);
        line.put("generationTokensPerSecond", r.genTps());
        line.put("promptCpuMsPerToken", r.promptCpuMsPerToken());
        line.put("generationCpuMsPerToken", r.genCpuMsPerToken());
        line.put("weightBytesPerToken", r.bytesPerToken());
        line.put("readBandwidthGBps", bandwidth);
        Files.writeString(
                results,
                new ObjectMapper().writeValueAsString(line) + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * The `llama` command as a user runs it, on a cold JVM: the prompt is the bench text cut to PROMPT_TOKENS tokens
     * (BOS included), greedy, a 1024-token window (llama.cpp's script uses the same). Appends one line: the command's
     * own prompt and generation speeds, the time to first token (process start to the end of the first generated
     * token: wall time minus the later tokens) and the largest resident set sampled every 50 ms.
     */
    static void cold(
            Path cache, String model, int promptTokens, int genTokens, Path results, Path llamaScript, int threads)
            throws IOException, InterruptedException {
        Path file = modelPath(cache, model);
        String text;
        try (GGUFFile vocab = GGUFFile.open(cache.resolve("llama3-vocab.gguf"))) {
            io.squall.model.tokenizer.Tokenizer tokenizer = io.squall.model.tokenizer.Tokenizer.fromGGUF(vocab);
            text = tokenizer.decode(Arrays.copyOf(tokenizer.encode(PROMPT_TEXT, false, false), promptTokens - 1));
        }
        List<String> command = List.of(
                llamaScript.toString(),
                "--model",
                file.toString(),
                "-p",
                text,
                "-n",
                Integer.toString(genTokens),
                "--temperature",
                "0",
                "-t",
                Integer.toString(threads),
                "--ctx-size",
                "1024",
                "--json");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long peakRssKb = 0;
        Path status = Path.of("/proc/" + process.pid() + "/status");
        java.util.concurrent.CompletableFuture<String> stdout =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(
                                process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        while (!process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            peakRssKb = Math.max(peakRssKb, residentKb(status));
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        if (process.exitValue() != 0) {
            throw new IOException("llama exited with " + process.exitValue() + ": " + String.join(" ", command));
        }
        JsonNode out = new ObjectMapper().readTree(stdout.join());
        JsonNode t = out.get("timings");
        int generated = t.get("generated_tokens").asInt();
        double genMs = t.get("generation_ms").asDouble();
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("type", model);
        line.put("engine", "Squall");
        line.put("path", "cold");
        line.put("threads", threads);
        line.put("promptTokens", t.get("prompt_tokens").asInt());
        line.put("promptTokensPerSecond", t.get("prompt_tokens_per_second").asDouble());
        line.put("generatedTokens", generated);
        line.put(
                "generationTokensPerSecond",
                t.get("generation_tokens_per_second").asDouble());
        line.put("ttftMs", wallMs - (generated > 1 ? genMs * (generated - 1) / generated : 0));
        line.put("wallMs", wallMs);
        line.put("peakRssMB", peakRssKb / 1024.0);
        System.err.printf(
                "bench: %s cold: prompt %.1f tok/s, generation %.2f tok/s, first token after %.0f ms, peak RSS %.0f MB%n",
                model,
                line.get("promptTokensPerSecond"),
                line.get("generationTokensPerSecond"),
                line.get("ttftMs"),
                peakRssKb / 1024.0);
        Files.writeString(
                results,
                new ObjectMapper().writeValueAsString(line) + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static long residentKb(Path status) {
        try {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has just ended
        }
        return 0;
    }

    /** One measured quantity: results in run order (run k of each engine forms pair k). */
    private record Series(String model, String engine, String path, String metric, List<Double> values) {}

    private static final String[][] METRICS = {
        {"generationTokensPerSecond", "generation tok/s", "higher"},
        {"promptTokensPerSecond", "prompt tok/s", "higher"},
        {"ttftMs", "time to first token ms", "lower"}
    };
    /**
     * Process CPU time per token (warm path): on a shared machine it moves far less than wall time when other processes
     * take the cores, so its ratio (llama.cpp / Squall: above 1 means Squall needs less CPU) is the steadier comparison.
     * Spin-waiting threads count, so compare at one thread for a clean figure (THREADS=1).
     */
    private static final String[][] CPU_METRICS = {
        {"generationCpuMsPerToken", "generation CPU ms/token"},
        {"promptCpuMsPerToken", "prompt CPU ms/token"}
    };

    /**
     * Medians and spread (min-max) per model, engine and path, and Squall / llama.cpp ratios computed pair by pair
     * (run k of Squall against run k of llama.cpp, taken back to back) with their median and spread; then the chart.
     */
    static void report(Path squallResults, Path llamaCppResults, Path chart) throws IOException {
        List<JsonNode> lines = new java.util.ArrayList<>(readLines(squallResults));
        lines.addAll(readLines(llamaCppResults));
        Map<String, Series> series = new java.util.LinkedHashMap<>();
        for (JsonNode n : lines) {
            String engine = n.get("engine").asText().startsWith("Squall") ? "Squall" : "llama.cpp";
            String path = n.has("path") ? n.get("path").asText() : "warm";
            for (String[] m : METRICS) {
                if (n.has(m[0])) {
                    series.computeIfAbsent(
                                    n.get("type").asText() + "|" + engine + "|" + path + "|" + m[0],
                                    k -> new Series(
                                            n.get("type").asText(), engine, path, m[0], new java.util.ArrayList<>()))
                            .values()
                            .add(n.get(m[0]).asDouble());
                }
            }
        }
        JsonNode any = lines.isEmpty() ? null : lines.getFirst();
        System.out.printf(
                "%nSynthetic Llama 3 models (real Llama 3 vocabulary; 1B = Llama-3.2-1B shape, 8b = Llama-3-8B shape), %s threads, "
                        + "prompt %s tokens; warm = one JVM / one llama.cpp context, best of %d; cold = a new `llama` process "
                        + "(scripts/llama) / a new node-llama-cpp process. Median [min-max] over the pairs.%n%n",
                any == null ? "?" : any.path("threads").asText("?"),
                any == null ? "?" : any.path("promptTokens").asText("?"),
                RUNS);
        System.out.println(
                "| model | metric | Squall cold | Squall warm | llama.cpp warm | llama.cpp cold | Squall/llama.cpp (cold/cold, warm/warm) |");
        System.out.println("|---|---|---|---|---|---|---|");
        List<String> models =
                series.values().stream().map(Series::model).distinct().toList();
        for (String model : models) {
            for (String[] m : METRICS) {
                Series sc = series.get(model + "|Squall|cold|" + m[0]);
                Series sw = series.get(model + "|Squall|warm|" + m[0]);
                Series lw = series.get(model + "|llama.cpp|warm|" + m[0]);
                Series lc = series.get(model + "|llama.cpp|cold|" + m[0]);
                if (sc == null && sw == null) {
                    continue;
                }
                String unit = m[0].equals("ttftMs") ? "%.0f" : "%.1f";
                System.out.printf(
                        "| %s | %s | %s | %s | %s | %s | %s |%n",
                        model,
                        m[1],
                        summary(sc, unit),
                        summary(sw, unit),
                        summary(lw, unit),
                        summary(lc, unit),
                        ratios(sc, lc) + ", " + ratios(sw, lw));
            }
        }
        Map<String, List<Double>[]> cpu = new java.util.LinkedHashMap<>();
        for (JsonNode n : lines) {
            String engine = n.get("engine").asText().startsWith("Squall") ? "Squall" : "llama.cpp";
            for (String[] m : CPU_METRICS) {
                if (n.has(m[0])) {
                    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of two lists
                    List<Double>[] pair = cpu.computeIfAbsent(n.get("type").asText() + "|" + m[1], k ->
                            new List[] {new java.util.ArrayList<>(), new java.util.ArrayList<>()});
                    pair[engine.equals("Squall") ? 0 : 1].add(n.get(m[0]).asDouble());
                }
            }
        }
        if (!cpu.isEmpty()) {
            System.out.println(
                    "\nCPU time per token (warm; all threads of the process; steadier than tok/s on a shared machine)\n");
            System.out.println(
                    "| model | metric | Squall | llama.cpp | llama.cpp/Squall (above 1: Squall needs less CPU) |");
            System.out.println("|---|---|---|---|---|");
            for (var e : cpu.entrySet()) {
                String[] key = e.getKey().split("\\|");
                Series squall = new Series(key[0], "Squall", "warm", key[1], e.getValue()[0]);
                Series llamaCpp = new Series(key[0], "llama.cpp", "warm", key[1], e.getValue()[1]);
                System.out.printf(
                        "| %s | %s | %s | %s | %s |%n",
                        key[0], key[1], summary(squall, "%.1f"), summary(llamaCpp, "%.1f"), ratios(llamaCpp, squall));
            }
        }
        if (chart != null) {
            Chart.write(models, series, chart);
            System.out.println("\nchart: " + chart);
        }
    }

    private static String summary(Series s, String unit) {
        if (s == null || s.values().isEmpty()) {
            return "-";
        }
        List<Double> v = s.values();
        return String.format(
                Locale.ROOT,
                unit + " [" + unit + "-" + unit + "]",
                median(s),
                java.util.Collections.min(v),
                java.util.Collections.max(v));
    }

    static double median(Series s) {
        if (s == null || s.values().isEmpty()) {
            return Double.NaN;
        }
        double[] v =
                s.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Pairwise ratios run by run; median [min-max]. */
    private static String ratios(Series squall, Series llamaCpp) {
        if (squall == null || llamaCpp == null) {
            return "-";
        }
        int n = Math.min(squall.values().size(), llamaCpp.values().size());
        List<Double> r = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(squall.values().get(i) / llamaCpp.values().get(i));
        }
        Series ratio = new Series("", "", "", "", r);
        return String.format(
                Locale.ROOT,
                "%.2fx [%.2f-%.2f]",
                median(ratio),
                java.util.Collections.min(r),
                java.util.Collections.max(r));
    }

    /** The chart: one panel per metric, per model Squall cold, Squall warm, llama.cpp warm, llama.cpp cold side by side. */
    static final class Chart {
        private static final java.awt.Color[] COLORS = {
            new java.awt.Color(0x4C72B0),
            new java.awt.Color(0x8FAADC),
            new java.awt.Color(0xDD8452),
            new java.awt.Color(0xF2B98F)
        };
        private static final String[] LEGEND = {
            "Squall cold (llama command)", "Squall warm", "llama.cpp warm", "llama.cpp cold"
        };

        static void write(List<String> models, Map<String, Series> series, Path png) throws IOException {
            System.setProperty("java.awt.headless", "true");
            int panelW = Math.max(360, 90 * models.size() + 80);
            int h = 420;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(
                    panelW * METRICS.length, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), h);
            g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
            String[] paths = {"Squall|cold", "Squall|warm", "llama.cpp|warm", "llama.cpp|cold"};
            for (int p = 0; p < METRICS.length; p++) {
                int x0 = p * panelW;
                int top = 60;
                int bottom = h - 60;
                double max = 0;
                for (String model : models) {
                    for (String path : paths) {
                        double v = median(series.get(model + "|" + path + "|" + METRICS[p][0]));
                        if (v > max) {
                            max = v;
                        }
                    }
                }
                g.setColor(java.awt.Color.BLACK);
                g.drawString(METRICS[p][1] + " (median; " + METRICS[p][2] + " is better)", x0 + 20, 40);
                g.drawLine(x0 + 40, bottom, x0 + panelW - 20, bottom);
                int groupW = (panelW - 80) / Math.max(1, models.size());
                for (int mi = 0; mi < models.size(); mi++) {
                    int gx = x0 + 50 + mi * groupW;
                    int barW = Math.max(6, (groupW - 20) / paths.length);
                    for (int k = 0; k < paths.length; k++) {
                        double v = median(series.get(models.get(mi) + "|" + paths[k] + "|" + METRICS[p][0]));
                        if (!(v > 0) || !(max > 0)) {
                            continue;
                        }
                        int bh = (int) Math.round((bottom - top) * v / max);
                        g.setColor(COLORS[k]);
                        g.fillRect(gx + k * barW, bottom - bh, barW - 2, bh);
                        g.setColor(java.awt.Color.DARK_GRAY);
                        g.drawString(
                                v >= 100
                                        ? String.format(Locale.ROOT, "%.0f", v)
                                        : String.format(Locale.ROOT, "%.1f", v),
                                gx + k * barW,
                                bottom - bh - 3);
                    }
                    g.setColor(java.awt.Color.BLACK);
                    g.drawString(models.get(mi), gx, bottom + 16);
                }
            }
            for (int k = 0; k < LEGEND.length; k++) {
                g.setColor(COLORS[k]);
                g.fillRect(20 + k * 210, h - 28, 12, 12);
                g.setColor(java.awt.Color.BLACK);
                g.drawString(LEGEND[k], 36 + k * 210, h - 18);
            }
            javax.imageio.ImageIO.write(img, "png", png.toFile());
        }
    }

    static Result measure(Path file, String type, int promptTokens, int genTokens) throws IOException {
        System.err.println("bench: " + file);
        try (LlamaModel model = LlamaModel.load(file, null)) {
            CpuEngine engine =
                    new CpuEngine(model, Math.min(WINDOW, model.config().contextLength()));
            int[] prompt = Arrays.copyOf(model.tokenizer().encode(PROMPT_TEXT, false, false), promptTokens);
            if (promptTokens + genTokens > engine.contextSize()) {
                throw new IllegalArgumentException(
                        "prompt + generation exceed the bench window of " + engine.contextSize());
            }
            // warm-up: JIT, page-in of the mapping
            decode(engine, engine.prefill(prompt, 0, Math.min(8, promptTokens), 0), Math.min(8, promptTokens), 4);
            // the CPU is shared: best of RUNS runs (llama.cpp's script does the same)
            long promptNanos = Long.MAX_VALUE,
                    genNanos = Long.MAX_VALUE,
                    promptCpu = Long.MAX_VALUE,
                    genCpu = Long.MAX_VALUE;
            for (int run = 0; run < RUNS; run++) {
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                float[] logits = engine.prefill(prompt, 0, promptTokens, 0);
                promptNanos = Math.min(promptNanos, System.nanoTime() - t0);
                promptCpu = Math.min(promptCpu, processCpuNanos() - c0);
                t0 = System.nanoTime();
                c0 = processCpuNanos();
                decode(engine, logits, promptTokens, genTokens);
                genNanos = Math.min(genNanos, System.nanoTime() - t0);
                genCpu = Math.min(genCpu, processCpuNanos() - c0);
            }
            Result r = new Result(
                    type,
                    Files.size(file) / 1e9,
                    model.weightBytesPerToken(),
                    promptTokens,
                    promptTokens * 1e9 / promptNanos,
                    genTokens,
                    genTokens * 1e9 / genNanos,
                    promptCpu / 1e6 / promptTokens,
                    genCpu / 1e6 / genTokens);
            System.err.printf(
                    "bench: %s prompt %.1f tok/s (%.1f CPU ms/token), generation %.2f tok/s (%.1f CPU ms/token)%n",
                    type, r.promptTps(), r.promptCpuMsPerToken(), r.genTps(), r.genCpuMsPerToken());
            return r;
        }
    }

    /** Greedy decoding of n tokens after position pos: one forward pass per token, as llama.cpp's eval. */
    private static void decode(CpuEngine engine, float[] logits, int pos, int n) {
        for (int i = 0; i < n; i++) {
            int token = Sampler.argmax(logits);
            logits = engine.forward(token, pos + i);
        }
    }

    static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> lines = new java.util.ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return lines;
        }
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                JsonNode n = mapper.readTree(line);
                if (n.has("type") && n.has("engine")) {
                    lines.add(n);
                }
            }
        }
        return lines;
    }
}
