package io.squall.model.llama;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuEngineTest {
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

    /** Deterministic pseudo-random prompt of n tokens (all ids valid). */
    static int[] prompt(int n) {
        int[] t = new int[n];
        t[0] = 1;
        for (int i = 1; i < n; i++) {
            t[i] = 3 + (i * 7919 + 13) % (model.config().vocabSize() - 3);
        }
        return t;
    }

    /**
     * Decoding shares the rows of the matvecs over one x (q, k, v; gate, up) out in one parallel section: any thread
     * count gives the same logits as one thread, bit for bit (each row and head is computed the same way wherever
     * the split falls).
     */
    @Test
    void decodingGivesTheSameLogitsOnOneToThreeThreads() {
        int threads = io.squall.model.tensor.Threads.count();
        try {
            int[] tokens = prompt(6);
            float[][] expected = new float[2][]; // float x, 8-bit x
            for (int t : new int[] {1, 2, 3}) {
                io.squall.model.tensor.Threads.resize(t);
                for (int quantized = 0; quantized < 2; quantized++) {
                    CpuEngine engine = new CpuEngine(model, 64, quantized == 1);
                    float[] logits = null;
                    for (int pos = 0; pos < tokens.length; pos++) {
                        logits = engine.forward(tokens[pos], pos).clone();
                    }
                    if (expected[quantized] == null) {
                        expected[quantized] = logits;
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(
                            expected[quantized], logits, t + " threads, 8-bit x " + (quantized == 1));
                }
            }
        } finally {
            io.squall.model.tensor.Threads.resize(threads);
        }
    }

    @Test
    void batchedPrefillMatchesTokenByToken() {
        // lengths around the chunk size, and a prefill that starts after cached positions
        int window = Math.max(256, 2 * CpuEngine.PREFILL_CHUNK + 3);
        for (int n :
                new int[] {1, 5, CpuEngine.PREFILL_CHUNK, CpuEngine.PREFILL_CHUNK + 7, 2 * CpuEngine.PREFILL_CHUNK + 3
                }) {
            int[] tokens = prompt(n);
            CpuEngine stepwise = new CpuEngine(model, window);
            float[] expected = null;
            for (int pos = 0; pos < n; pos++) {
                expected = stepwise.forward(tokens[pos], pos).clone();
            }
            CpuEngine batched = new CpuEngine(model, window);
            float[] actual = batched.prefill(tokens, 0, n, 0).clone();
            assertClose(expected, actual, 1e-4, "prefill of " + n + " tokens");
            if (n > 3) { // split: first part batched, rest batched from position 3
                CpuEngine split = new CpuEngine(model, window);
                split.prefill(tokens, 0, 3, 0);
                assertClose(expected, split.prefill(tokens, 3, n - 3, 3), 1e-4, "split prefill of " + n + " tokens");
            }
        }
    }

    @Test
    void decodeAfterPrefillContinuesTheSameSequence() {
        int[] tokens = prompt(40);
        CpuEngine stepwise = new CpuEngine(model, 64);
        CpuEngine batched = new CpuEngine(model, 64);
        for (int pos = 0; pos < 39; pos++) {
            stepwise.forward(tokens[pos], pos);
        }
        batched.prefill(tokens, 0, 39, 0);
        assertClose(
                stepwise.forward(tokens[39], 39).clone(),
                batched.forward(tokens[39], 39),
                1e-4,
                "decode after prefill");
    }

    @Test
    void theKeyValueCacheGrowsWithoutChangingResults() {
        int[] tokens = prompt(45);
        CpuEngine full = new CpuEngine(model, 64);
        int saved = CpuEngine.initialCachePositions;
        CpuEngine.initialCachePositions = 4; // grows in prefill (4 -> 30), then in decode (30 -> 60)
        try {
            CpuEngine growing = new CpuEngine(model, 64);
            assertClose(
                    full.prefill(tokens, 0, 30, 0).clone(),
                    growing.prefill(tokens, 0, 30, 0),
                    1e-5,
                    "prefill across a growth");
            for (int pos = 30; pos < 45; pos++) {
                assertClose(
                        full.forward(tokens[pos], pos).clone(),
                        growing.forward(tokens[pos], pos),
                        1e-5,
                        "decode at " + pos);
            }
        } finally {
            CpuEngine.initialCachePositions = saved;
        }
    }

    @Test
    void contextOverflowIsAClearError() {
        CpuEngine engine = new CpuEngine(model, 8);
        int[] tokens = prompt(9);
        ContextWindowExceededException e =
                assertThrows(ContextWindowExceededException.class, () -> engine.prefill(tokens, 0, 9, 0));
        assertTrue(e.getMessage().contains("9 tokens needed, the window holds 8"), e.getMessage());
        engine.prefill(tokens, 0, 8, 0);
        assertThrows(ContextWindowExceededException.class, () -> engine.forward(tokens[8], 8));
        IllegalArgumentException tooBig = assertThrows(
                IllegalArgumentException.class,
                () -> new CpuEngine(model, model.config().contextLength() + 1));
        assertTrue(tooBig.getMessage().contains("context_length"), tooBig.getMessage());
        IllegalArgumentException badToken =
                assertThrows(IllegalArgumentException.class, () -> engine.forward(100_000, 0));
        assertTrue(badToken.getMessage().contains("token id 100000"), badToken.getMessage());
    }

    @Test
    void decodeAllocatesNothingPerToken() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        CpuEngine engine = new CpuEngine(model, 256);
        // Until C2 compiles the Vector API code its vectors are heap objects: probe 100 steps at a time until steady
        // state.
        long allocated = Long.MAX_VALUE;
        for (int probe = 0; probe < 100 && allocated >= 100 * 64; probe++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int pos = 0; pos < 100; pos++) {
                engine.forward((pos * 31 + probe) % 300 + 3, pos);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(
                allocated < 100 * 64, "100 decode steps still allocate " + allocated + " bytes on the calling thread");
    }

    @Test
    void weightBytesPerTokenCountsEveryMatrix() {
        LlamaConfig c = model.config();
        long perLayer = 4L * (2L * c.dim() * c.dim() + 2L * c.kvDim() * c.dim() + 3L * c.dim() * c.ffnDim());
        assertEquals(c.layers() * perLayer + 4L * c.vocabSize() * c.dim(), model.weightBytesPerToken());
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, what + ": largest difference " + worst + " > " + tolerance);
    }
}
