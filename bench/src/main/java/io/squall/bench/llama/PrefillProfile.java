package io.squall.bench.llama;

import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.tensor.Threads;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a long prompt's time goes on the CPU engine: the steps of {@link CpuEngine#prefill} (products, attention,
 * norms, rope and cache copies, ...) timed inside the engine, for the bench prompt cut to TOKENS tokens; the best
 * of ROUNDS rounds after one warm-up round, with the process's CPU time per token. Run with
 * -Dsquall.prefill.profile=true (else the steps read zero).
 * <p>
 * Usage: PrefillProfile MODEL.gguf [TOKENS] [ROUNDS]; threads from -Dsquall.threads.
 */
public final class PrefillProfile {
    private PrefillProfile() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (LlamaModel model = LlamaModel.load(file, null)) {
            CpuEngine engine =
                    new CpuEngine(model, Math.min(1024, model.config().contextLength()));
            int[] base = model.tokenizer().encode(LlamaBench.PROMPT_TEXT, false, false);
            int[] prompt = new int[tokens];
            for (int i = 0; i < tokens; i++) {
                prompt[i] = base[i % base.length];
            }
            engine.prefill(prompt, 0, tokens, 0); // warm-up: JIT, page-in of the mapping
            engine.prefillStepNanos(true);
            long bestWall = Long.MAX_VALUE;
            long bestCpu = Long.MAX_VALUE;
            long[] bestSteps = null;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                long c0 = LlamaBench.processCpuNanos();
                engine.prefill(prompt, 0, tokens, 0);
                long wall = System.nanoTime() - t0;
                long cpu = LlamaBench.processCpuNanos() - c0;
                long[] steps = engine.prefillStepNanos(true);
                if (wall < bestWall) {
                    bestWall = wall;
                    bestSteps = steps;
                }
                bestCpu = Math.min(bestCpu, cpu);
            }
            System.out.printf(
                    "%s, %d tokens, %d threads: %.1f tok/s, %.2f CPU ms/token (best of %d)%n",
                    file.getFileName(),
                    tokens,
                    Threads.count(),
                    tokens * 1e9 / bestWall,
                    bestCpu / 1e6 / tokens,
                    rounds);
            CpuEngine.PrefillStep[] names = CpuEngine.PrefillStep.values();
            long sum = Arrays.stream(bestSteps).sum();
            for (int i = 0; i < names.length; i++) {
                System.out.printf(
                        "  %-18s %9.1f ms  %5.1f%%%n", names[i], bestSteps[i] / 1e6, 100.0 * bestSteps[i] / bestWall);
            }
            System.out.printf("  %-18s %9.1f ms (steps sum %.1f ms)%n", "total", bestWall / 1e6, sum / 1e6);
        }
    }
}
