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

    private LlamaBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("prepare")) {
            prepare(Path.of(args[1]), Path.of(args[2]), types(args.length > 3 ? args[3] : "q8_0,q4_0,f16"));
        } else if (args.length == 6 && args[0].equals("run")) {
            run(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]));
        } else if (args.length == 3 && args[0].equals("report")) {
            report(Path.of(args[1]), Path.of(args[2]));
        } else {
            System.err.println("usage: LlamaBench prepare CACHE_DIR TOKENIZER_DIR [TYPES]\n"
                    + "       LlamaBench run CACHE_DIR TYPE PROMPT_TOKENS GEN_TOKENS RESULTS_JSONL   (appends one line)\n"
                    + "       LlamaBench report SQUALL_JSONL LLAMACPP_JSONL");
            System.exit(2);
        }
    }

    static List<String> types(String csv) {
        return Arrays.stream(csv.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }

    static Path modelPath(Path cache, String type) {
        return cache.resolve("synthetic-llama3.2-1b-" + type + ".gguf");
    }

    /** The Llama 3 vocabulary (converted by Squall from tokenizer.json) and one model per type, written once. */
    static void prepare(Path cache, Path tokenizerDir, List<String> types) throws IOException {
        Files.createDirectories(cache);
        Path vocab = cache.resolve("llama3-vocab.gguf");
        if (!Files.exists(vocab)) {
            System.err.println("bench: converting the Llama 3 vocabulary from " + tokenizerDir);
            GGUFWriter w = new GGUFWriter();
            Path config = tokenizerDir.resolve("tokenizer_config.json");
            VocabularyConverters.fromHuggingFace(tokenizerDir.resolve("tokenizer.json"), Files.exists(config) ? config : null, w);
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
                SyntheticModel.write(SyntheticModel.preset("llama3.2-1b"), SyntheticModel.TypeScheme.parse(type), vocabulary, 42, tmp,
                        s -> System.err.println("bench:   " + s));
                Files.move(tmp, out);
            }
        }
    }

    record Result(String type, double gigabytes, long bytesPerToken, int promptTokens, double promptTps, int genTokens, double genTps) {
    }

    /** Measures one model and appends a JSON line: speeds, weight bytes per token, and the read bandwidth probed around it. */
    static void run(Path cache, String type, int promptTokens, int genTokens, Path results) throws IOException {
        System.err.printf("bench: %d threads; measuring read bandwidth...%n", Threads.count());
        double before = MemoryBandwidth.measureReadGBps();
        Result r = measure(modelPath(cache, type), type, promptTokens, genTokens);
        double bandwidth = Math.max(before, MemoryBandwidth.measureReadGBps());   // the CPU is shared: the better probe
        System.err.printf("bench: read bandwidth %.2f GB/s%n", bandwidth);
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("type", type);
        line.put("engine", "Squall");
        line.put("threads", Threads.count());
        line.put("promptTokens", promptTokens);
        line.put("promptTokensPerSecond", r.promptTps());
        line.put("generatedTokens", genTokens);
        line.put("generationTokensPerSecond", r.genTps());
        line.put("weightBytesPerToken", r.bytesPerToken());
        line.put("readBandwidthGBps", bandwidth);
        Files.writeString(results, new ObjectMapper().writeValueAsString(line) + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** The table: Squall and llama.cpp per type; the bandwidth bound uses the best bandwidth probed in the whole run. */
    static void report(Path squallResults, Path llamaCppResults) throws IOException {
        Map<String, JsonNode> squall = readResults(squallResults);
        Map<String, JsonNode> llamaCpp = readResults(llamaCppResults);
        double bandwidth = squall.values().stream().mapToDouble(n -> n.get("readBandwidthGBps").asDouble()).max().orElse(Double.NaN);
        JsonNode any = squall.values().iterator().next();
        System.out.printf("%nSynthetic Llama-3.2-1B shape (dim 2048, 16 layers, 32/8 heads, ffn 8192, vocab 128256), %d threads, "
                        + "prompt %d tokens, generation %d tokens (greedy), best of %d runs; read bandwidth %.2f GB/s "
                        + "(best probe of this run)%n%n", any.get("threads").asInt(), any.get("promptTokens").asInt(),
                any.get("generatedTokens").asInt(), RUNS, bandwidth);
        System.out.println("| type | weights GB/token | engine | prompt tok/s | generation tok/s | GB/s read | fraction of bandwidth bound |");
        System.out.println("|------|------------------|--------|--------------|------------------|-----------|-----------------------------|");
        for (Map.Entry<String, JsonNode> e : squall.entrySet()) {
            String type = e.getKey().toUpperCase(Locale.ROOT);
            long bytes = e.getValue().get("weightBytesPerToken").asLong();
            row(type, bytes, "Squall", e.getValue(), bandwidth);
            JsonNode l = llamaCpp.get(e.getKey());
            if (l != null) {
                row(type, bytes, "llama.cpp", l, bandwidth);
                System.out.printf("| %s | | Squall / llama.cpp | %.2fx | %.2fx | | |%n", type,
                        e.getValue().get("promptTokensPerSecond").asDouble() / l.get("promptTokensPerSecond").asDouble(),
                        e.getValue().get("generationTokensPerSecond").asDouble() / l.get("generationTokensPerSecond").asDouble());
            }
        }
    }

    private static void row(String type, long bytesPerToken, String engine, JsonNode n, double bandwidth) {
        double gen = n.get("generationTokensPerSecond").asDouble();
        double gbps = bytesPerToken * gen / 1e9;
        System.out.printf("| %s | %.3f | %s | %.1f | %.2f | %.2f | %.0f%% |%n", type, bytesPerToken / 1e9, engine,
                n.get("promptTokensPerSecond").asDouble(), gen, gbps, 100 * gbps / bandwidth);
    }

    static Result measure(Path file, String type, int promptTokens, int genTokens) throws IOException {
        System.err.println("bench: " + file);
        try (LlamaModel model = LlamaModel.load(file, null)) {
            CpuEngine engine = new CpuEngine(model, Math.min(WINDOW, model.config().contextLength()));
            int[] prompt = Arrays.copyOf(model.tokenizer().encode(PROMPT_TEXT, false, false), promptTokens);
            if (promptTokens + genTokens > engine.contextSize()) {
                throw new IllegalArgumentException("prompt + generation exceed the bench window of " + engine.contextSize());
            }
            // warm-up: JIT, page-in of the mapping
            decode(engine, engine.prefill(prompt, 0, Math.min(8, promptTokens), 0), Math.min(8, promptTokens), 4);
            // the CPU is shared: best of RUNS runs (llama.cpp's script does the same)
            long promptNanos = Long.MAX_VALUE, genNanos = Long.MAX_VALUE;
            for (int run = 0; run < RUNS; run++) {
                long t0 = System.nanoTime();
                float[] logits = engine.prefill(prompt, 0, promptTokens, 0);
                promptNanos = Math.min(promptNanos, System.nanoTime() - t0);
                t0 = System.nanoTime();
                decode(engine, logits, promptTokens, genTokens);
                genNanos = Math.min(genNanos, System.nanoTime() - t0);
            }
            Result r = new Result(type, Files.size(file) / 1e9, model.weightBytesPerToken(), promptTokens,
                    promptTokens * 1e9 / promptNanos, genTokens, genTokens * 1e9 / genNanos);
            System.err.printf("bench: %s prompt %.1f tok/s, generation %.2f tok/s%n", type, r.promptTps(), r.genTps());
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

    static Map<String, JsonNode> readResults(Path file) throws IOException {
        Map<String, JsonNode> byType = new java.util.LinkedHashMap<>();
        if (file == null || !Files.exists(file)) {
            return byType;
        }
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = mapper.readTree(line);
            if (n.has("type") && n.has("generationTokensPerSecond")) {
                byType.put(n.get("type").asText(), n);
            }
        }
        return byType;
    }
}
