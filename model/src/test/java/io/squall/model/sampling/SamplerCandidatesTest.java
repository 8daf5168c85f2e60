package io.squall.model.sampling;

import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling from the top-k candidates alone (what a device hands back) against sampling from the whole row. */
class SamplerCandidatesTest {
    /** An engine whose logits are a fixed row: its forwardTopK is the interface's host selection. */
    private record Row(float[] logits) implements InferenceEngine {
        public LlamaModel model() {
            throw new UnsupportedOperationException();
        }

        public int contextSize() {
            return 1;
        }

        public float[] forward(int token, int pos) {
            return logits;
        }

        public float[] prefill(int[] tokens, int from, int count, int startPos) {
            return logits;
        }
    }

    @Test
    void seededDrawsFromTheTopKEqualTheFullRow() {
        int vocab = 1000;
        Random r = new Random(3);
        for (SamplerSettings s : new SamplerSettings[] {
            SamplerSettings.defaults(11),
            new SamplerSettings(1.3f, 7, 1f, 0f, 1f, 64, 5),
            new SamplerSettings(0.5f, 100, 0.5f, 0.1f, 1f, 64, 9)
        }) {
            Sampler full = new Sampler(s, vocab);
            Sampler top = new Sampler(s, vocab);
            assertTrue(top.needsOnlyTopK(256));
            int[] ids = new int[top.candidateCount()];
            float[] values = new float[top.candidateCount()];
            for (int step = 0; step < 300; step++) {
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    logits[i] = (float) (r.nextGaussian() * 3);
                }
                logits[r.nextInt(vocab)] = logits[r.nextInt(vocab)]; // a tie now and then
                int found = new Row(logits).forwardTopK(0, 0, ids.length, ids, values);
                assertEquals(ids.length, found);
                assertEquals(
                        full.sample(logits, null, 0), top.sampleCandidates(ids, values, found), s + " step " + step);
            }
        }
    }

    @Test
    void onlyWhenTheTopKDecidesAlone() {
        assertFalse(new Sampler(SamplerSettings.greedy(), 100).needsOnlyTopK(256), "greedy");
        assertFalse(
                new Sampler(new SamplerSettings(0.8f, 0, 0.9f, 0f, 1f, 64, 1), 100).needsOnlyTopK(256),
                "no top-k: the whole row");
        assertFalse(
                new Sampler(new SamplerSettings(0.8f, 40, 0.9f, 0f, 1.1f, 64, 1), 100).needsOnlyTopK(256), "penalty");
        assertFalse(
                new Sampler(new SamplerSettings(0.8f, 300, 0.9f, 0f, 1f, 64, 1), 1000).needsOnlyTopK(256),
                "k above capacity");
        assertTrue(
                new Sampler(new SamplerSettings(0.8f, 300, 0.9f, 0f, 1f, 64, 1), 100).needsOnlyTopK(256),
                "k capped by the vocabulary");
        Sampler penalized = new Sampler(new SamplerSettings(0.8f, 40, 0.9f, 0f, 1.1f, 64, 1), 100);
        var e = assertThrows(
                IllegalStateException.class, () -> penalized.sampleCandidates(new int[] {1}, new float[] {1f}, 1));
        assertTrue(e.getMessage().contains("repetition penalty"), e.getMessage());
    }
}
