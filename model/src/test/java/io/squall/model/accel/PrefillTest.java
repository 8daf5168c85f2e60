package io.squall.model.accel;

import io.squall.device.placement.Stage;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched prompt processing (the prefill graph; embedded model, synthetic Q8_0 on both backends, Q4_0, Q4_K_M and BF16 on OpenCL; chunks of 5 tokens: full chunks and a partial one) against the same
 * engine token by token and the CPU engine: last-token logits within 1e-4 of the largest |logit| (float summation
 * order only: the batched products sum as the one-vector ones, attention's softmax is two-pass instead of online),
 * over a first prompt and a continuation at a later position, then identical greedy generations.
 */
class PrefillTest {
    private static final double TOLERANCE = 1e-4;
    private static final int BATCH = 5;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "stories, opencl",
        "stories, jvm",
        "q8_0, opencl",
        "q8_0, jvm",
        "q4_0, opencl",
        "q4_k_m, opencl",
        "bf16, opencl"
    })
    void chunkedPrefillMatchesTokenByToken(String modelName, String which) throws IOException {
        String device = which.equals("opencl") ? Devices.opencl() : "jvm";
        Path file = modelName.equals("stories") ? TestModels.stories() : synthetic(modelName);
        try (LlamaModel model = LlamaModel.load(file, null)) {
            int context = 64;
            int vocab = model.config().vocabSize();
            int[] tokens = new int[20];
            tokens[0] = model.tokenizer().bos();
            for (int i = 1; i < tokens.length; i++) {
                tokens[i] = (i * 131 + 7) % vocab;
            }
            List<Stage> one = List.of(new Stage(device, 0, model.config().layers()));
            CpuEngine cpu = new CpuEngine(model, context, false); // float activations, as the devices
            try (AcceleratedEngine batched = new AcceleratedEngine(model, context, one, null, null, null, null, BATCH);
                    AcceleratedEngine single = new AcceleratedEngine(model, context, one, null, null, null, null, 0)) {
                // a 13-token prompt (chunks 5, 5, 3), then 7 more tokens from position 13 (chunks 5, 2)
                int[][] parts = {{0, 13}, {13, 7}};
                for (int[] part : parts) {
                    float[] expected =
                            single.prefill(tokens, part[0], part[1], part[0]).clone();
                    float[] reference =
                            cpu.prefill(tokens, part[0], part[1], part[0]).clone();
                    float[] actual = batched.prefill(tokens, part[0], part[1], part[0]);
                    double scale = 0, worst = 0, worstCpu = 0;
                    for (int i = 0; i < vocab; i++) {
                        scale = Math.max(scale, Math.abs(expected[i]));
                        worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
                        worstCpu = Math.max(worstCpu, Math.abs(actual[i] - reference[i]));
                    }
                    System.out.printf(
                            "%s prefill %d tokens at %d on %s: largest logit difference %.3g vs token by token, %.3g vs CPU"
                                    + " (largest logit %.3g)%n",
                            modelName, part[1], part[0], device, worst, worstCpu, scale);
                    assertTrue(
                            worst <= TOLERANCE * scale,
                            "vs token by token: " + worst + " > " + TOLERANCE + " x " + scale);
                    assertTrue(
                            worstCpu <= TOLERANCE * scale,
                            "vs the CPU engine: " + worstCpu + " > " + TOLERANCE + " x " + scale);
                }
                assertEquals(
                        3 + 2, batched.prefillExecutions(), "graph executions for 13 + 7 tokens in chunks of " + BATCH);
                assertEquals(0, single.prefillExecutions());
                int[] prompt = java.util.Arrays.copyOf(tokens, 11);
                assertArrayEquals(
                        AcceleratedEngineTest.greedy(single, prompt, 32),
                        AcceleratedEngineTest.greedy(batched, prompt, 32),
                        "greedy tokens after a batched prompt on " + device);
            }
        }
    }

    private Path synthetic(String type) throws IOException {
        return TestModels.writeSynthetic(dir, type, 512, 11);
    }
}
