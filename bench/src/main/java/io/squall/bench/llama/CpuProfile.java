package io.squall.bench.llama;

import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.sampling.Sampler;
import io.squall.model.tensor.MemoryBandwidth;
import io.squall.model.tensor.Threads;
import io.squall.model.tensor.WeightMatrix;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a decode step's time goes on the CPU engine: each kind of matrix (q, k, v, o, gate, up, down, the classifier)
 * timed on its own over all layers, as GB/s of weights read, next to a whole forward pass and the read bandwidth probed
 * in the same run. A kind far below the others' GB/s (or the probe's) is the one to look at.
 * <p>
 * Usage: CpuProfile MODEL.gguf [ROUNDS] [int8|float]; threads from -Dsquall.threads.
 */
public final class CpuProfile {
    private CpuProfile() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        boolean int8 = args.length <= 2 || args[2].equals("int8");
        try (LlamaModel model = LlamaModel.load(file, null)) {
            CpuEngine engine = new CpuEngine(model, 256, int8);
            float[] logits = engine.forward(1, 0);
            for (int i = 1; i < 4; i++) {
                logits = engine.forward(Sampler.argmax(logits), i);
            }
            System.out.printf(
                    "%s, %d threads, %s activations; read bandwidth %.1f GB/s%n",
                    file.getFileName(), Threads.count(), int8 ? "8-bit" : "float", MemoryBandwidth.measureReadGBps());
            Map<String, Function<LlamaModel.Layer, WeightMatrix>> kinds = new LinkedHashMap<>();
            kinds.put("q", LlamaModel.Layer::wq);
            kinds.put("k", LlamaModel.Layer::wk);
            kinds.put("v", LlamaModel.Layer::wv);
            kinds.put("o", LlamaModel.Layer::wo);
            kinds.put("gate", LlamaModel.Layer::gate);
            kinds.put("up", LlamaModel.Layer::up);
            kinds.put("down", LlamaModel.Layer::down);
            int layers = model.config().layers();
            LlamaModel.Layer[] ls = new LlamaModel.Layer[layers];
            for (int l = 0; l < layers; l++) {
                ls[l] = model.layer(l)
                        .withMatrices(
                                int8 ? WeightMatrix::withQuantizedActivations : WeightMatrix::withFloatActivations);
            }
            WeightMatrix output = int8
                    ? model.output().withQuantizedActivations()
                    : model.output().withFloatActivations();
            float[] x = new float[Math.max(model.config().dim(), model.config().ffnDim())];
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-1, 1);
            }
            float[] out = new float
                    [Math.max(model.config().vocabSize(), model.config().ffnDim())];
            double total = 0;
            for (var kind : kinds.entrySet()) {
                long best = Long.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int l = 0; l < layers; l++) {
                        kind.getValue().apply(ls[l]).matvec(x, out, 0);
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                }
                WeightMatrix m = kind.getValue().apply(ls[0]);
                double bytes = (double) m.rowBytes() * m.rows() * layers;
                total += best;
                System.out.printf(
                        "  %-6s %-5s %6d x %-6d %8.2f ms  %6.1f GB/s%n",
                        kind.getKey(), m.type(), m.rows(), m.cols(), best / 1e6, bytes / best);
            }
            long best = Long.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                output.matvec(x, out, 0);
                best = Math.min(best, System.nanoTime() - t0);
            }
            total += best;
            System.out.printf(
                    "  %-6s %-5s %6d x %-6d %8.2f ms  %6.1f GB/s%n",
                    "output",
                    output.type(),
                    output.rows(),
                    output.cols(),
                    best / 1e6,
                    (double) output.rowBytes() * output.rows() / best);
            System.out.printf("  matrices alone: %.1f ms per token%n", total / 1e6);
            long bestForward = Long.MAX_VALUE;
            int pos = 4;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                logits = engine.forward(Sampler.argmax(logits), pos++);
                bestForward = Math.min(bestForward, System.nanoTime() - t0);
            }
            System.out.printf(
                    "  forward: %.1f ms per token (%.2f tok/s), %.1f GB/s of weights%n",
                    bestForward / 1e6, 1e9 / bestForward, (double) model.weightBytesPerToken() / bestForward);
        }
    }
}
