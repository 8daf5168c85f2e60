package io.squall.bench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.llama.Llama;
import io.squall.server.OpenAiServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A bounded load test of {@code llama serve}: for each --parallel value, a server on a loopback port and C clients
 * each sending R completion requests one after another (max_tokens fixed, ignore_eos so every request generates
 * the same number of tokens). Reports requests/s, generated tokens/s and the p50/p99 request latency. Rounds repeat
 * the parallel values in turn, so that the machine's load changes hit every value alike.
 * <pre>
 * ServeLoadBench MODEL [--parallel 1,4,8] [--clients 8] [--requests 20] [--max-tokens 32] [--ctx 256] [--rounds 1]
 * </pre>
 */
public final class ServeLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int parallel, double seconds, int requests, long tokens, double p50, double p99) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println(
                    "usage: ServeLoadBench MODEL [--parallel 1,4,8] [--clients 8] [--requests 20] [--max-tokens 32] [--ctx 256] [--rounds 1]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int[] parallels = {1, 4, 8};
        int clients = 8, requests = 20, maxTokens = 32, ctx = 256, rounds = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--parallel" ->
                    parallels = Arrays.stream(args[i + 1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[i + 1]);
                case "--ctx" -> ctx = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int p : parallels) {
                Result r = run(model, p, clients, requests, maxTokens, ctx);
                results.add(r);
                System.out.printf(
                        "round %d  parallel %d: %5.2f req/s  %7.1f tokens/s  p50 %6.0f ms  p99 %6.0f ms  (%d requests, %d tokens, %.1f s)%n",
                        round + 1,
                        p,
                        r.requests() / r.seconds(),
                        r.tokens() / r.seconds(),
                        r.p50(),
                        r.p99(),
                        r.requests(),
                        r.tokens(),
                        r.seconds());
            }
        }
        System.out.printf(
                "%nmodel %s, %d clients x %d requests, max_tokens %d, %d threads, %d round(s); medians over rounds:%n",
                model.getFileName(), clients, requests, maxTokens, io.squall.model.tensor.Threads.count(), rounds);
        System.out.println("| --parallel | requests/s | tokens/s | p50 latency ms | p99 latency ms |");
        System.out.println("|---|---|---|---|---|");
        for (int p : parallels) {
            List<Result> mine = results.stream().filter(r -> r.parallel() == p).toList();
            System.out.printf(
                    "| %d | %.2f | %.1f | %.0f | %.0f |%n",
                    p,
                    median(mine.stream()
                            .mapToDouble(r -> r.requests() / r.seconds())
                            .toArray()),
                    median(mine.stream()
                            .mapToDouble(r -> r.tokens() / r.seconds())
                            .toArray()),
                    median(mine.stream().mapToDouble(Result::p50).toArray()),
                    median(mine.stream().mapToDouble(Result::p99).toArray()));
        }
    }

    static Result run(Path model, int parallel, int clients, int requests, int maxTokens, int ctx) throws Exception {
        try (Llama llama = Llama.load(
                        model,
                        Llama.Options.builder()
                                .contextSize(ctx)
                                .parallel(parallel)
                                .maxQueued(clients)
                                .build());
                OpenAiServer server = new OpenAiServer(
                                llama,
                                new OpenAiServer.Config("127.0.0.1", 0, null, "bench", 1 << 20, Duration.ofMinutes(30)))
                        .start()) {
            HttpClient http = HttpClient.newBuilder()
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/completions");
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<Future<long[]>> futures = new ArrayList<>(); // per client: latencies (ns), then total tokens
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    long[] out = new long[requests + 1];
                    for (int r = 0; r < requests; r++) {
                        String body = "{\"prompt\": \"Once upon a time " + client + "-" + r + "\", \"max_tokens\": "
                                + maxTokens + ", \"temperature\": 0.8, \"seed\": " + (client * 1000 + r)
                                + ", \"ignore_eos\": true}";
                        long t0 = System.nanoTime();
                        HttpResponse<String> res = http.send(
                                HttpRequest.newBuilder(uri)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        out[r] = System.nanoTime() - t0;
                        if (res.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + res.statusCode() + ": " + res.body());
                        }
                        JsonNode json = JSON.readTree(res.body());
                        out[requests] +=
                                json.get("usage").get("completion_tokens").asLong();
                    }
                    return out;
                }));
            }
            List<Double> latencies = new ArrayList<>();
            long tokens = 0;
            for (Future<long[]> f : futures) {
                long[] out = f.get();
                for (int r = 0; r < requests; r++) {
                    latencies.add(out[r] / 1e6);
                }
                tokens += out[requests];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            double[] sorted =
                    latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(parallel, seconds, sorted.length, tokens, percentile(sorted, 50), percentile(sorted, 99));
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
