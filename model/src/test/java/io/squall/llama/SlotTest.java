package io.squall.llama;

import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.GreedyReference;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.NaNLogitsException;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generation loop (one {@link Slot}, through {@link Llama#onEngine}) on the embedded model, against
 * {@link GreedyReference}: tokens, text, logprobs, the end conditions, cache reuse and NaN logits.
 */
class SlotTest {
    @AutoClose
    static LlamaModel model;

    @BeforeAll
    static void load() throws IOException {
        model = LlamaModel.load(TestModels.stories(), null);
    }

    /** Runs {@code body} with a one-sequence Llama over a fresh CPU engine of {@code window} positions. */
    static <T> T withLlama(int window, Function<Llama, T> body) {
        try (CpuEngine engine = new CpuEngine(model, window);
                Llama llama = Llama.onEngine(engine)) {
            return body.apply(llama);
        }
    }

    static int[] prompt(String text) {
        return model.tokenizer().encode(text, true, false);
    }

    static GenerationRequest.Builder greedy(int[] prompt, int maxTokens) {
        return GenerationRequest.tokens(prompt).maxTokens(maxTokens).sampling(Sampling.greedy());
    }

    @Test
    void greedyGenerationStreamsTheSameTextItReturns() {
        int[] prompt = prompt("Once upon a time");
        StringBuilder streamed = new StringBuilder();
        Completion c = withLlama(
                512,
                llama -> llama.generate(greedy(prompt, 40).build(), piece -> {
                    streamed.append(piece);
                    return true;
                }));
        GreedyReference want = GreedyReference.run(model, prompt, 40, 512);
        assertEquals(FinishReason.LENGTH, c.finishReason());
        assertArrayEquals(want.tokens(), c.tokens());
        assertEquals(want.text(), c.text());
        assertEquals(c.text(), streamed.toString());
        assertTrue(c.text().startsWith(","), "continues the prompt: " + c.text());
        assertTrue(c.logprobs().isEmpty());
        assertEquals(prompt.length, c.promptTokens());
        assertEquals(prompt.length, c.promptEvaluated(), "a fresh cache runs the whole prompt");
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheRawLogits() {
        int[] prompt = {model.tokenizer().bos()};
        Completion c = withLlama(
                512, llama -> llama.generate(greedy(prompt, 5).logprobs(3).build()));
        GreedyReference want = GreedyReference.run(model, prompt, 5, 512, 3);
        assertEquals(5, c.logprobs().size());
        for (int i = 0; i < 5; i++) {
            TokenLogprob lp = c.logprobs().get(i);
            GreedyReference.Step ref = want.steps().get(i);
            assertEquals(ref.token(), lp.token(), "token " + i);
            // the loop ran the first token through prefill: float results agree to ~1e-6
            assertEquals(ref.logprob(), lp.logprob(), 1e-5, "logprob of token " + i);
            assertEquals(3, lp.top().size());
            for (int j = 0; j < 3; j++) {
                TokenLogprob.Alternative alt = lp.top().get(j);
                assertEquals(ref.topIds()[j], alt.token(), "alternative " + j + " of token " + i);
                assertEquals(ref.topLogprobs()[j], alt.logprob(), 1e-5, "alternative " + j + " of token " + i);
                assertArrayEquals(model.tokenizer().tokenBytes(alt.token()), alt.bytes());
                assertEquals(new String(alt.bytes(), StandardCharsets.UTF_8), alt.text());
            }
            assertArrayEquals(model.tokenizer().tokenBytes(lp.token()), lp.bytes());
        }
    }

    @Test
    void stopsWhenTheModelStartsANewStory() {
        // greedy from BOS: the stories model ends its story by producing BOS again (llama2.c's stop rule)
        Completion c = withLlama(
                512,
                llama -> llama.generate(GenerationRequest.prompt("")
                        .maxTokens(500)
                        .sampling(Sampling.greedy())
                        .build()));
        GreedyReference want =
                GreedyReference.run(model, new int[] {model.tokenizer().bos()}, 500, 512);
        assertTrue(want.modelEnded(), "the reference story ends within 500 tokens: " + want.text());
        assertEquals(FinishReason.STOP, c.finishReason(), c.text());
        assertArrayEquals(want.tokens(), c.tokens());
        assertEquals(want.text(), c.text());
    }

    @Test
    void aFullContextWindowStopsExplicitly() {
        int[] prompt = prompt("Once upon a time");
        withLlama(24, llama -> {
            Completion c = llama.generate(greedy(prompt, 100).build());
            assertEquals(FinishReason.CONTEXT_FULL, c.finishReason());
            assertEquals(
                    24 - prompt.length + 1,
                    c.tokens().length,
                    "every position used, plus the token sampled from the last");
            assertArrayEquals(GreedyReference.run(model, prompt, 100, 24).tokens(), c.tokens());
            var e = assertThrows(
                    ContextWindowExceededException.class,
                    () -> llama.submit(greedy(new int[25], 1).build()));
            assertTrue(e.getMessage().contains("25 tokens"), e.getMessage());
            return c;
        });
    }

    @Test
    void aFollowingPromptReusesTheCachedPrefix() {
        int[] prompt = prompt("Once upon a time");
        int[] next = new int[prompt.length + 12];
        Completion[] runs = withLlama(512, llama -> {
            Completion first = llama.generate(greedy(prompt, 10).build());
            System.arraycopy(prompt, 0, next, 0, prompt.length);
            System.arraycopy(first.tokens(), 0, next, prompt.length, first.tokens().length);
            next[next.length - 2] = 403;
            next[next.length - 1] = 407;
            return new Completion[] {first, llama.generate(greedy(next, 10).build())};
        });
        assertEquals(10, runs[0].tokens().length, "the first run fills the budget, so next holds it all");
        assertEquals(
                next.length - (prompt.length + runs[0].tokens().length - 1),
                runs[1].promptEvaluated(),
                "only the tokens after the cached ones run");
        assertArrayEquals(
                GreedyReference.run(model, next, 10, 512).tokens(),
                runs[1].tokens(),
                "reuse gives the same result as a fresh run");
    }

    @Test
    void aHugeTokenBudgetIsBoundedByTheWindowNotAllocated() {
        // Integer.MAX_VALUE tokens would be an 8 GB array if sized by the budget: the window (16 tokens) bounds it
        int[] prompt = prompt("Once upon a time");
        Completion c = withLlama(
                16, llama -> llama.generate(greedy(prompt, Integer.MAX_VALUE).build()));
        assertEquals(FinishReason.CONTEXT_FULL, c.finishReason());
        assertEquals(
                16 - prompt.length + 1, c.tokens().length, "the window holds the prompt and all but the last token");
        assertArrayEquals(
                GreedyReference.run(model, prompt, Integer.MAX_VALUE, 16).tokens(), c.tokens());
    }

    @Test
    void closingAnOnEngineLlamaLeavesTheCallersEngineAndModelOpen() {
        int[] prompt = prompt("Once upon a time");
        try (CpuEngine engine = new CpuEngine(model, 64)) {
            Llama first = Llama.onEngine(engine);
            first.close();
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> first.submit(greedy(prompt, 5).build()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            try (Llama second = Llama.onEngine(engine)) {
                assertArrayEquals(
                        GreedyReference.run(model, prompt, 5, 64).tokens(),
                        second.generate(greedy(prompt, 5).build()).tokens());
            }
        }
    }

    @Test
    void nanLogitsAreAnErrorNotAToken() {
        InferenceEngine nan = new InferenceEngine() {
            final float[] logits = new float[model.config().vocabSize()];

            public LlamaModel model() {
                return model;
            }

            public int contextSize() {
                return 16;
            }

            public float[] forward(int token, int pos) {
                Arrays.fill(logits, pos >= 2 ? Float.NaN : -100f);
                // a finite maximum, the only likely token (never BOS or EOS), so only the NaN check can stop it
                logits[pos + 3] = 1f;
                return logits;
            }

            public float[] prefill(int[] tokens, int from, int count, int startPos) {
                return forward(tokens[from + count - 1], startPos + count - 1);
            }
        };
        try (Llama llama = Llama.onEngine(nan)) {
            GenerationRequest sampled = GenerationRequest.tokens(new int[] {1})
                    .maxTokens(10)
                    .sampling(Sampling.builder().seed(3).build())
                    .build();
            var e = assertThrows(NaNLogitsException.class, () -> llama.generate(sampled));
            assertTrue(e.getMessage().startsWith("the model produced NaN logits at position 2"), e.getMessage());
            assertThrows(
                    NaNLogitsException.class,
                    () -> llama.generate(greedy(new int[] {1}, 10).build()),
                    "greedy (the engine's choice) too");
        }
    }
}
