package io.squall.llama;

import io.squall.model.chat.ChatMessage;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.GreedyReference;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference API on the embedded model, with four sequences decoding together, checked against {@link GreedyReference}. */
class LlamaTest {
    static final String[] PROMPTS = {
        "Once upon a time",
        "Tom had a red ball",
        "The sun was",
        "Lily saw a big dog",
        "One day",
        "The cat",
        "Sam and Mia went",
        "A little bird"
    };
    static Llama llama;
    static LlamaModel reference;

    @BeforeAll
    static void load() throws IOException {
        llama = Llama.load(
                TestModels.stories(),
                Llama.Options.builder().contextSize(256).parallel(4).build());
        reference = LlamaModel.load(TestModels.stories(), null);
    }

    @AfterAll
    static void close() {
        if (llama != null) {
            llama.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    /** Greedy generation of {@code prompt} done the plainest way, in the same window. */
    static GreedyReference expected(String prompt, int maxTokens, int topLogprobs) {
        return GreedyReference.run(
                reference, reference.tokenizer().encode(prompt, true, false), maxTokens, 256, topLogprobs);
    }

    @Test
    void greedyGenerationMatchesTheReferenceWithTextStreamedInPieces() {
        GreedyReference want = expected("Once upon a time", 40, 0);
        StringBuilder streamed = new StringBuilder();
        Completion c = llama.generate(
                GenerationRequest.prompt("Once upon a time")
                        .maxTokens(40)
                        .sampling(Sampling.greedy())
                        .build(),
                text -> {
                    streamed.append(text);
                    return true;
                });
        assertArrayEquals(want.tokens(), c.tokens());
        assertEquals(want.text(), c.text());
        assertEquals(c.text(), streamed.toString());
        assertEquals(want.modelEnded() ? FinishReason.STOP : FinishReason.LENGTH, c.finishReason());
        assertEquals(llama.countTokens("Once upon a time"), c.promptTokens());
    }

    @Test
    void concurrentSequencesDecodeInBatchesAndEachGetsItsOwnGreedyContinuation() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PROMPTS.length);
        try {
            List<Future<Completion>> futures = new ArrayList<>();
            for (String p : PROMPTS) {
                futures.add(pool.submit(() -> llama.generate(GenerationRequest.prompt(p)
                        .maxTokens(30)
                        .sampling(Sampling.greedy())
                        .build())));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                Completion c = futures.get(i).get();
                GreedyReference want = expected(PROMPTS[i], 30, 0);
                assertArrayEquals(want.tokens(), c.tokens(), "prompt " + PROMPTS[i]);
                assertEquals(want.text(), c.text());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchedStepGivesTheLogitsOfSeparateSteps() {
        CpuEngine a = new CpuEngine(reference, 64), b = new CpuEngine(reference, 64), c = new CpuEngine(reference, 64);
        int[] pa = reference.tokenizer().encode("Once upon a time", true, false);
        int[] pb = reference.tokenizer().encode("The dog", true, false);
        a.prefill(pa, 0, pa.length, 0);
        b.prefill(pb, 0, pb.length, 0);
        float[] batch = a.forwardBatch(new CpuEngine[] {a, b}, new int[] {42, 7}, new int[] {pa.length, pb.length})
                .clone();
        // c replays a's sequence alone; b's row is checked against a fresh prefill of b's tokens
        c.prefill(pa, 0, pa.length, 0);
        float[] alone = c.forward(42, pa.length).clone();
        int vocab = reference.config().vocabSize();
        for (int i = 0; i < vocab; i++) {
            assertEquals(alone[i], batch[i], 1e-4f, "row 0 logit " + i);
        }
        int[] pb2 = java.util.Arrays.copyOf(pb, pb.length + 1);
        pb2[pb.length] = 7;
        float[] aloneB = new CpuEngine(reference, 64).prefill(pb2, 0, pb2.length, 0);
        for (int i = 0; i < vocab; i++) {
            assertEquals(aloneB[i], batch[vocab + i], 1e-4f, "row 1 logit " + i);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> a.forwardBatch(new CpuEngine[] {a}, new int[] {1, 2}, new int[] {0}));
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        String full = expected("Once upon a time", 60, 0).text();
        int cut = full.indexOf(' ', 10); // a stop string taken from the text itself, after the first words
        String stop = full.substring(cut, cut + 3);
        Completion c = llama.generate(GenerationRequest.prompt("Once upon a time")
                .maxTokens(60)
                .sampling(Sampling.greedy())
                .stop("no such text", stop)
                .build());
        assertEquals(FinishReason.STOP, c.finishReason());
        assertEquals(full.substring(0, full.indexOf(stop)), c.text());
    }

    @Test
    void listenerCancelsAndCancelledGenerationsEndEarly() {
        List<String> pieces = new ArrayList<>();
        Completion c = llama.generate(
                GenerationRequest.prompt("Once upon a time")
                        .maxTokens(100)
                        .sampling(Sampling.greedy())
                        .build(),
                text -> {
                    pieces.add(text);
                    return pieces.size() < 3;
                });
        assertEquals(FinishReason.CANCELLED, c.finishReason());
        assertTrue(c.tokens().length < 100, "stopped early: " + c.tokens().length);
    }

    @Test
    void logprobsMatchTheReference() {
        GreedyReference want = expected("Once upon a time", 8, 3);
        Completion c = llama.generate(GenerationRequest.prompt("Once upon a time")
                .maxTokens(8)
                .sampling(Sampling.greedy())
                .logprobs(3)
                .build());
        assertEquals(want.steps().size(), c.logprobs().size());
        for (int i = 0; i < c.logprobs().size(); i++) {
            assertEquals(want.steps().get(i).token(), c.logprobs().get(i).token());
            assertEquals(
                    want.steps().get(i).logprob(),
                    c.logprobs().get(i).logprob(),
                    1e-4); // a reused cache prefix rounds differently
            assertEquals(3, c.logprobs().get(i).top().size());
            assertEquals(
                    c.logprobs().get(i).token(),
                    c.logprobs().get(i).top().getFirst().token(),
                    "greedy picks the top token");
        }
    }

    @Test
    void seededSamplingIsReproducibleAndValidated() {
        Sampling s = Sampling.builder().temperature(1.0).topK(20).seed(11).build();
        Completion a = llama.generate(
                GenerationRequest.prompt("The cat").maxTokens(20).sampling(s).build());
        Completion b = llama.generate(
                GenerationRequest.prompt("The cat").maxTokens(20).sampling(s).build());
        assertArrayEquals(a.tokens(), b.tokens());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Sampling.builder().topP(1.5));
        assertTrue(e.getMessage().contains("top_p"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> GenerationRequest.prompt("x").stop("a", ""));
        assertTrue(e.getMessage().contains("stop[1]"), e.getMessage());
    }

    @Test
    void tooLongPromptsAreRefusedAtSubmit() {
        String longText = "Once upon a time ".repeat(200);
        assertThrows(
                io.squall.model.llama.ContextWindowExceededException.class,
                () -> llama.submit(GenerationRequest.prompt(longText).build()));
    }

    @Test
    void chatMessagesUseTheChatFormatAndConversationsKeepTurns() {
        List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello"));
        assertEquals(llama.chatFormat().encode(messages, true).length, llama.countTokens(messages));
        Completion c = llama.generate(GenerationRequest.chat(messages)
                .maxTokens(5)
                .sampling(Sampling.greedy())
                .build());
        assertEquals(llama.countTokens(messages), c.promptTokens());
        Conversation conv = llama.conversation("Be brief.").maxTokens(5).sampling(Sampling.greedy());
        conv.send("Hello");
        Completion second = conv.send("And then?");
        assertEquals(5, conv.messages().size());
        assertTrue(second.promptEvaluated() < second.promptTokens(), "the second turn reuses the cached first turn");
    }

    @Test
    void aFullQueueRefusesWithQueueFullException() throws Exception {
        try (Llama one = Llama.load(
                TestModels.stories(),
                Llama.Options.builder().contextSize(256).maxQueued(0).build())) {
            // it cannot end by itself before its 254 tokens, far longer than the next two calls take
            Generation running = one.submit(GenerationRequest.prompt("Once")
                    .maxTokens(254)
                    .sampling(Sampling.greedy())
                    .ignoreEndOfGeneration(true)
                    .build());
            var e = assertThrows(
                    QueueFullException.class,
                    () -> one.submit(GenerationRequest.prompt("Twice").build()));
            assertTrue(e.getMessage().contains("all 1 sequence slots are busy"), e.getMessage());
            running.cancel();
            Completion c = running.await();
            assertEquals(FinishReason.CANCELLED, c.finishReason());
            assertTrue(c.tokens().length < 254, "cancelled before its budget: " + c.tokens().length);
        }
    }
}
