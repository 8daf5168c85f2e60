package io.squall.model.generate;

import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import io.squall.model.sampling.Sampler;
import io.squall.model.sampling.SamplerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    static LlamaModel model;

    @BeforeAll
    static void load() throws IOException {
        model = LlamaModel.load(TestModels.stories(), null);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static Sampler greedy() {
        return new Sampler(SamplerSettings.greedy(), model.config().vocabSize());
    }

    /** Greedy tokens computed directly with the engine, one forward pass per token. */
    static int[] greedyByHand(int[] prompt, int n) {
        CpuEngine engine = new CpuEngine(model, 512);
        float[] logits = null;
        for (int i = 0; i < prompt.length; i++) {
            logits = engine.forward(prompt[i], i);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Sampler.argmax(logits);
            logits = engine.forward(out[i], prompt.length + i);
        }
        return out;
    }

    @Test
    void greedyGenerationStreamsTheSameTextItReturns() {
        Generator g = new Generator(new CpuEngine(model, 512));
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = g.generate(prompt, 40, greedy(), -1, streamed::append);
        assertEquals(GenerationResult.StopReason.MAX_TOKENS, r.stopReason());
        assertArrayEquals(greedyByHand(prompt, 40), r.tokens());
        assertEquals(r.text(), streamed.toString());
        assertTrue(r.text().startsWith(","), "continues the prompt: " + r.text());
        assertTrue(r.text().contains(" there was"), r.text());
        assertTrue(r.logprobs().isEmpty());
        assertEquals(prompt.length, r.promptEvaluated());
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheRawLogits() {
        Generator g = new Generator(new CpuEngine(model, 512));
        int[] prompt = {model.tokenizer().bos()};
        GenerationResult r = g.generate(prompt, 5, greedy(), 3, null);
        assertEquals(5, r.logprobs().size());
        CpuEngine engine = new CpuEngine(model, 512);
        float[] logits = engine.forward(prompt[0], 0);
        for (int i = 0; i < 5; i++) {
            TokenLogprob lp = r.logprobs().get(i);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            // the generator ran the first token through prefill: float results agree to ~1e-6
            assertEquals(logits[lp.token()] - max - Math.log(sum), lp.logprob(), 1e-5);
            assertEquals(3, lp.top().size());
            assertEquals(lp.token(), lp.top().get(0).token(), "greedy takes the most likely token");
            assertTrue(lp.top().get(0).logprob() >= lp.top().get(1).logprob() && lp.top().get(1).logprob() >= lp.top().get(2).logprob());
            assertTrue(lp.logprob() < 0);
            logits = engine.forward(lp.token(), i + 1);
        }
    }

    @Test
    void stopsWhenTheModelStartsANewStory() {
        Generator g = new Generator(new CpuEngine(model, 512));
        // greedy from BOS: the stories model ends its story by producing BOS again (llama2.c's stop rule)
        GenerationResult r = g.generate(new int[]{model.tokenizer().bos()}, 500, greedy(), -1, null);
        assertEquals(GenerationResult.StopReason.END_OF_GENERATION, r.stopReason(), r.text());
        assertFalse(Arrays.stream(r.tokens()).anyMatch(g::isStop));
    }

    @Test
    void aFullContextWindowStopsExplicitly() {
        Generator g = new Generator(new CpuEngine(model, 24));
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        GenerationResult r = g.generate(prompt, 100, greedy(), -1, null);
        assertEquals(GenerationResult.StopReason.CONTEXT_FULL, r.stopReason());
        assertEquals(24 - prompt.length + 1, r.tokens().length, "every position used, plus the token sampled from the last");
        var e = assertThrows(ContextWindowExceededException.class, () -> g.generate(new int[25], 1, greedy(), -1, null));
        assertTrue(e.getMessage().contains("25 tokens"), e.getMessage());
    }

    @Test
    void aFollowingPromptReusesTheCachedPrefix() {
        Generator g = new Generator(new CpuEngine(model, 512));
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        GenerationResult first = g.generate(prompt, 10, greedy(), -1, null);
        int[] next = new int[prompt.length + first.tokens().length + 2];
        System.arraycopy(prompt, 0, next, 0, prompt.length);
        System.arraycopy(first.tokens(), 0, next, prompt.length, first.tokens().length);
        next[next.length - 2] = 403;
        next[next.length - 1] = 407;
        GenerationResult second = g.generate(next, 10, greedy(), -1, null);
        assertEquals(next.length - (prompt.length + first.tokens().length - 1), second.promptEvaluated(),
                "only the tokens after the cached ones run");
        assertArrayEquals(greedyByHand(next, 10), second.tokens(), "reuse gives the same result as a fresh run");
    }

    @Test
    void topIndicesOrdersByValueThenIndex() {
        assertArrayEquals(new int[]{1, 3, 0}, io.squall.model.sampling.Sampler.topIndices(new float[]{1, 5, 0, 5, -2}, 3));
        assertArrayEquals(new int[]{}, io.squall.model.sampling.Sampler.topIndices(new float[]{1, 2}, 0));
        assertArrayEquals(new int[]{1, 0}, io.squall.model.sampling.Sampler.topIndices(new float[]{1, 2}, 5));
    }

    @Test
    void aHugeTokenBudgetIsBoundedByTheWindowNotAllocated() {
        // Integer.MAX_VALUE tokens would be an 8 GB array if sized by the budget: the window (16 tokens) bounds it
        Generator g = new Generator(new CpuEngine(model, 16));
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        GenerationResult r = g.generate(prompt, Integer.MAX_VALUE, greedy(), -1, null);
        assertEquals(GenerationResult.StopReason.CONTEXT_FULL, r.stopReason());
        assertEquals(16 - prompt.length + 1, r.tokens().length, "the window holds the prompt and all but the last token");
        assertArrayEquals(greedyByHand(prompt, r.tokens().length), r.tokens());
    }

    @Test
    void nanLogitsAreAnErrorNotAToken() {
        io.squall.model.llama.InferenceEngine nan = new io.squall.model.llama.InferenceEngine() {
            final float[] logits = new float[model.config().vocabSize()];

            public LlamaModel model() {
                return model;
            }

            public int contextSize() {
                return 16;
            }

            public float[] forward(int token, int pos) {
                Arrays.fill(logits, pos >= 2 ? Float.NaN : -100f);
                logits[pos + 3] = 1f;   // a finite maximum, the only likely token (never BOS or EOS), so only the NaN check can stop it
                return logits;
            }

            public float[] prefill(int[] tokens, int from, int count, int startPos) {
                return forward(tokens[from + count - 1], startPos + count - 1);
            }

            public void close() {
            }
        };
        var e = assertThrows(io.squall.model.llama.NaNLogitsException.class,
                () -> new Generator(nan).generate(new int[]{1}, 10, new Sampler(SamplerSettings.defaults(3), model.config().vocabSize()), -1, null));
        assertTrue(e.getMessage().startsWith("the model produced NaN logits at position 2"), e.getMessage());
        assertThrows(io.squall.model.llama.NaNLogitsException.class,
                () -> new Generator(nan).generate(new int[]{1}, 10, greedy(), -1, null), "greedy (the engine's choice) too");
    }
}
