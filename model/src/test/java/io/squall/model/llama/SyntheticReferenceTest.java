package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.sampling.Sampler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine on synthetic Llama-3-style models (grouped-query attention 8/2, rope base 500000, Llama 3.1 frequency
 * factors, separate classifier) in several tensor types, against the double-precision reference fed the same
 * dequantized weights. Exercises what the stories model does not: rope base and scaling from metadata, untied output,
 * quantized matrices; and 16 greedy tokens generated equal to the reference's.
 */
class SyntheticReferenceTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    // the reference uses the same dequantized weights: only float-vs-double arithmetic differs (measured ~1e-6 x the
    // largest logit)
    @CsvSource({
        "f32, 1e-5",
        "f16, 1e-5",
        "bf16, 1e-5",
        "q8_0, 1e-5",
        "q4_0, 1e-5",
        "q4_k, 1e-5",
        "q6_k, 1e-5",
        "q4_1, 1e-5",
        "q5_0, 1e-5",
        "q5_1, 1e-5",
        "iq4_nl, 1e-5",
        "q2_k, 1e-5",
        "q3_k, 1e-5",
        "q5_k, 1e-5",
        "iq4_xs, 1e-5",
        "q3_k_m, 1e-5",
        "q5_k_m, 1e-5"
    })
    void engineMatchesReference(String type, double tolerance) throws IOException {
        Path file = write(type);
        try (LlamaModel model = LlamaModel.load(file, null);
                GGUFFile f = GGUFFile.open(file)) {
            check(model, f, type, tolerance);
        }
    }

    /**
     * Q4_0, and Q4_K_M's Q4_K and Q6_K, repacked for the CPU engine (an engine with 8-bit x repacks the model's Q4_0,
     * Q4_K and Q6_K matrices; the float-x engines then still read the original bytes, whose pages were released).
     * The prompt, batched integer products of 8-bit x on the copy, gives the same last logits as the same engine run
     * token by token (matvec, tested against a reference on the same quantized x in InterleavedQ4_0Test), and the float
     * reference's within 8-bit x's rounding, and its argmax (a reference rounding x in double is no closer: the Q4_0
     * embedding rows normed give exact ties x / scale = k + 1/2, which float and double round apart, and such flips
     * move this random model's logits by ~2%). Q4_K_M's prompt likewise (InterleavedQ4_KBatch, InterleavedQ6_KBatch;
     * InterleavedQ4_KTest and InterleavedQ6_KTest check them against the reference on the same quantized x). The next
     * tokens (matrix-vector products with 8-bit x on the copy) follow the reference; the float-x checks above still
     * hold.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"q4_0", "q4_k_m"})
    void repackedPrefillAndDecodeMatchReference(String type) throws IOException {
        Path file = write(type);
        try (LlamaModel model = LlamaModel.load(file, null);
                GGUFFile f = GGUFFile.open(file)) {
            CpuEngine engine = new CpuEngine(model, 64, true);
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    CpuEngine.REPACK_Q4_0_DEFAULT, "-Dsquall.matvec.repack=false: nothing repacked");
            java.util.Set<io.squall.model.tensor.GGMLType> repacked = new java.util.TreeSet<>();
            for (int l = 0; l < model.config().layers(); l++) {
                for (io.squall.model.tensor.WeightMatrix m : model.layer(l).matrices()) {
                    if (m.withQuantizedActivations().readsRepackedCopy()) {
                        repacked.add(m.type());
                    }
                }
            }
            assertEquals(
                    type.equals("q4_0")
                            ? java.util.Set.of(io.squall.model.tensor.GGMLType.Q4_0)
                            : java.util.Set.of(
                                    io.squall.model.tensor.GGMLType.Q4_K, io.squall.model.tensor.GGMLType.Q6_K),
                    repacked,
                    "the repacked types of the layers");
            int[] prompt = new int[21]; // one chunk: tiles of vectors and a tail of 1
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (i * 97 + 5) % model.config().vocabSize();
            }
            float[] logits = engine.prefill(prompt, 0, prompt.length, 0).clone();
            CpuEngine stepwise = new CpuEngine(model, 64, true);
            float[] decoded = null;
            DoubleReference ref = DoubleReference.fromGGUF(f, 64);
            double[] expected = null;
            for (int pos = 0; pos < prompt.length; pos++) {
                decoded = stepwise.forward(prompt[pos], pos);
                expected = ref.forward(prompt[pos], pos);
            }
            double worst = 0, worstStepwise = 0, scale = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
                worstStepwise = Math.max(worstStepwise, Math.abs(logits[i] - decoded[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            // the same rounding of x in both, but the prompt's attention (rows in fours) and decoding's (one row) may
            // differ in the last bit, which 8-bit x can turn into one quantization step: Q4_K_M moved 0.85% of the
            // largest logit (2026-12-05); a wrong layout or a wrapped 16-bit sum would move ~100%
            assertTrue(
                    worstStepwise <= 2e-2 * scale,
                    type + " repacked prefill against decode: largest difference " + worstStepwise + " x " + scale);
            // 8-bit x in every product moves this model's logits by ~3% (float x on the copy: ~0.5%)
            assertTrue(worst <= 5e-2 * scale, type + " repacked prefill: largest difference " + worst + " x " + scale);
            assertEquals(DoubleReference.argmax(expected), Sampler.argmax(logits), type + " repacked prefill: argmax");
            // the next tokens: every product a matvec with 8-bit x on the copies
            for (int pos = prompt.length; pos < prompt.length + 3; pos++) {
                int token = (pos * 31 + 3) % model.config().vocabSize();
                assertClose(
                        ref.forward(token, pos), engine.forward(token, pos), 4e-2, type + " repacked decode at " + pos);
            }
            check(model, f, type + " after repacking", 1e-5);
        }
    }

    private static void assertClose(double[] expected, float[] logits, double relative, String what) {
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(worst <= relative * scale, what + ": largest difference " + worst + " x " + scale);
        assertEquals(DoubleReference.argmax(expected), Sampler.argmax(logits), what + ": argmax");
    }

    private Path write(String type) throws IOException {
        return TestModels.writeSynthetic(dir, type, 256, 7);
    }

    private static void check(LlamaModel model, GGUFFile f, String type, double tolerance) {
        {
            LlamaConfig c = model.config();
            assertEquals(2, c.kvHeads());
            assertEquals(500000f, c.ropeBase());
            assertTrue(c.ropeFreqFactors() != null && !c.tiedEmbeddings());
            DoubleReference ref = DoubleReference.fromGGUF(f, 64);
            CpuEngine engine =
                    new CpuEngine(model, 64, false); // float activations: the reference computes with x as is
            double worst = 0, scale = 0;
            for (int pos = 0; pos < 24; pos++) {
                int token = (pos * 97 + 5)
                        % c.vocabSize(); // teacher-forced ids, far positions make the rope factors matter
                float[] logits = engine.forward(token, pos);
                double[] expected = ref.forward(token, pos);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
                assertEquals(DoubleReference.argmax(expected), Sampler.argmax(logits), "argmax at position " + pos);
            }
            // greedy generation: the fused engine and the reference on the dequantized (F32) weights pick the same
            // tokens
            CpuEngine greedy = new CpuEngine(model, 64, false); // float activations, as the reference
            DoubleReference greedyRef = DoubleReference.fromGGUF(f, 64);
            int token = 1;
            int refToken = 1;
            for (int pos = 0; pos < 16; pos++) {
                token = Sampler.argmax(greedy.forward(token, pos));
                refToken = DoubleReference.argmax(greedyRef.forward(refToken, pos));
                assertEquals(refToken, token, type + ": greedy token at position " + pos);
            }
            System.out.printf("%s: largest logit difference %.3g (largest logit %.3g)%n", type, worst, scale);
            assertTrue(
                    worst <= tolerance * scale,
                    type + ": largest difference " + worst + " > " + tolerance + " x " + scale);
        }
    }
}
