package io.squall.model.llama;

import io.squall.model.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU engine on the embedded model (models/stories260K.gguf, converted by Squall) against an independent
 * double-precision forward pass written here, reading the original llama2.c checkpoint directly.
 */
class StoriesReferenceTest {
    /** Largest allowed |engine - reference| of any logit (float vs double arithmetic; logits are of order 10). */
    static final double LOGIT_TOLERANCE = 2e-3;

    static final int STEPS = 64;

    @Test
    void greedyGenerationMatchesDoublePrecisionReference() throws IOException {
        DoubleReference ref = DoubleReference.fromLlama2c(TestModels.testdata("stories260K.bin"));
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            assertEquals(ref.dim, model.config().dim());
            assertEquals(ref.kvHeads, model.config().kvHeads());
            CpuEngine engine = new CpuEngine(model, model.config().contextLength());
            int[] engineTokens = new int[STEPS + 1];
            int[] refTokens = new int[STEPS + 1];
            engineTokens[0] = refTokens[0] = 1; // llama2.c starts from BOS
            double worst = 0;
            for (int pos = 0; pos < STEPS; pos++) {
                float[] logits = engine.forward(engineTokens[pos], pos);
                double[] expected = ref.forward(refTokens[pos], pos);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
                }
                engineTokens[pos + 1] = Sampler.argmax(logits);
                refTokens[pos + 1] = DoubleReference.argmax(expected);
            }
            assertArrayEquals(refTokens, engineTokens, "greedy tokens differ from the reference");
            assertTrue(worst < LOGIT_TOLERANCE, "largest logit difference " + worst + " exceeds " + LOGIT_TOLERANCE);
            // the model really speaks: not one token repeated
            assertTrue(java.util.Arrays.stream(engineTokens).distinct().count() > 10, "degenerate output");
        }
    }
}
