package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LlamaConfig from metadata of small synthetic GGUF files written with GGUFWriter. */
class LlamaConfigTest {
    @TempDir
    Path dir;

    /** Llama-3.2-1B-like metadata scaled down: dim 64, 8 heads, 2 KV heads; without the keys in {@code omit}. */
    static GGUFWriter llama3Like(String... omit) {
        java.util.Set<String> skip = java.util.Set.of(omit);
        GGUFWriter all = new GGUFWriter()
                .putString("general.architecture", "llama")
                .putUInt32("llama.embedding_length", 64)
                .putUInt32("llama.block_count", 2)
                .putUInt32("llama.feed_forward_length", 96)
                .putUInt32("llama.attention.head_count", 8)
                .putUInt32("llama.attention.head_count_kv", 2)
                .putUInt32("llama.rope.dimension_count", 8)
                .putFloat32("llama.rope.freq_base", 500000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.context_length", 131072)
                .putStringArray("tokenizer.ggml.tokens", new String[] {"a", "b", "c"});
        GGUFWriter w = new GGUFWriter();
        all.metadata().forEach((k, v) -> {
            if (!skip.contains(k)) {
                w.put(k, v);
            }
        });
        return w;
    }

    LlamaConfig read(GGUFWriter w) throws IOException {
        Path p = dir.resolve("m" + System.nanoTime() + ".gguf");
        w.write(p);
        try (GGUFFile f = GGUFFile.open(p)) {
            return LlamaConfig.from(f);
        }
    }

    static MemorySegment f32(float... values) {
        return MemorySegment.ofArray(values.clone());
    }

    @Test
    void readsGroupedQueryAttentionRopeAndTiedEmbeddings() throws IOException {
        LlamaConfig c = read(llama3Like());
        assertEquals(64, c.dim());
        assertEquals(2, c.layers());
        assertEquals(96, c.ffnDim());
        assertEquals(8, c.heads());
        assertEquals(2, c.kvHeads());
        assertEquals(4, c.groupSize());
        assertEquals(8, c.headSize());
        assertEquals(16, c.kvDim());
        assertEquals(8, c.ropeDims());
        assertEquals(500000f, c.ropeBase());
        assertEquals(1e-5f, c.rmsEpsilon());
        assertEquals(131072, c.contextLength());
        assertEquals(3, c.vocabSize());
        assertTrue(c.tiedEmbeddings(), "no output.weight: tied embeddings");
        assertNull(c.ropeFreqFactors());
    }

    @Test
    void llama2DefaultsWhenKeysAreAbsent() throws IOException {
        GGUFWriter w =
                llama3Like("llama.attention.head_count_kv", "llama.rope.dimension_count", "llama.rope.freq_base");
        w.addTensor("output.weight", GGMLType.F32, new long[] {64, 3}, MemorySegment.ofArray(new float[64 * 3]));
        LlamaConfig c = read(w);
        assertEquals(8, c.kvHeads(), "no head_count_kv: multi-head attention");
        assertEquals(8, c.ropeDims(), "rope dimension defaults to the head size");
        assertEquals(10000f, c.ropeBase(), "rope.freq_base defaults to 10000 only when absent");
        assertFalse(c.tiedEmbeddings());
    }

    @Test
    void readsLlama31FrequencyFactors() throws IOException {
        float[] factors = {1f, 1f, 2.5f, 8f};
        LlamaConfig c = read(llama3Like().addTensor("rope_freqs.weight", GGMLType.F32, new long[] {4}, f32(factors)));
        assertArrayEquals(factors, c.ropeFreqFactors());
    }

    @Test
    void wrongFrequencyFactorShapeNamesTheTensor() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> read(llama3Like().addTensor("rope_freqs.weight", GGMLType.F32, new long[] {3}, f32(1, 1, 1))));
        assertTrue(
                e.getMessage().contains("rope_freqs.weight") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void missingKeysAreNamed() {
        for (String key : new String[] {
            "llama.embedding_length",
            "llama.block_count",
            "llama.feed_forward_length",
            "llama.attention.head_count",
            "llama.attention.layer_norm_rms_epsilon",
            "llama.context_length",
            "tokenizer.ggml.tokens"
        }) {
            GGUFWriter w = llama3Like(key);
            var e = assertThrows(IllegalArgumentException.class, () -> read(w), key);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void inconsistentSizesAreRejected() {
        check(w -> w.putUInt32("llama.attention.head_count_kv", 3), "head_count_kv");
        check(w -> w.putUInt32("llama.attention.head_count", 7), "head_count");
        check(w -> w.putUInt32("llama.rope.dimension_count", 16), "rope.dimension_count");
        check(w -> w.putString("general.architecture", "gpt2"), "general.architecture");
    }

    private void check(Consumer<GGUFWriter> change, String expectedInMessage) {
        GGUFWriter w = llama3Like();
        change.accept(w);
        var e = assertThrows(IllegalArgumentException.class, () -> read(w));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void linearRopeScalingDividesEveryAngle() throws IOException {
        LlamaConfig c = read(llama3Like()
                .putFloat32("llama.rope.scaling.factor", 2f)
                .putString("llama.rope.scaling.type", "linear"));
        LlamaConfig old = read(llama3Like().putFloat32("llama.rope.scale_linear", 2f));
        double[] f = c.ropeInverseFrequencies();
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.pow(500000, -i / 4.0) / 2, f[i], 1e-15, "pair " + i);
        }
        assertArrayEquals(f, old.ropeInverseFrequencies(), "the older rope.scale_linear key means the same");
        assertEquals(1f, c.ropeMagnitude());
        assertNull(read(llama3Like()).ropeScaling());
        assertTrue(c.describe().contains("scaled linear x2.0"), c.describe());
    }

    /**
     * YaRN, dims 8, base 500000, original context 8192, factor 4: ggml's correction dims are floor(8 ln(8192 / (32 2pi))
     * / (2 ln 500000)) = floor(1.13) = 1 and ceil(8 ln(8192 / 2pi) / (2 ln 500000)) = ceil(2.19) = 3, so pairs 0 and 1
     * keep their angle, pair 2 is half interpolated (ramp 0.5: 0.5 / 4 + 0.5 = 0.625) and pair 3 fully (1 / 4);
     * cos and sin are scaled by 1 + 0.1 ln 4.
     */
    @Test
    void yarnRampsBetweenTheCorrectionDims() throws IOException {
        LlamaConfig c = read(llama3Like()
                .putString("llama.rope.scaling.type", "yarn")
                .putFloat32("llama.rope.scaling.factor", 4f)
                .putUInt32("llama.rope.scaling.original_context_length", 8192));
        double[] f = c.ropeInverseFrequencies();
        assertEquals(1.0, f[0], 1e-15);
        assertEquals(Math.pow(500000, -0.25), f[1], 1e-15);
        assertEquals(Math.pow(500000, -0.5) * 0.625, f[2], 1e-15);
        assertEquals(Math.pow(500000, -0.75) / 4, f[3], 1e-15);
        assertEquals(1 + 0.1 * Math.log(4), c.ropeMagnitude(), 1e-6);
    }

    @Test
    void unsupportedScalingTypeNamesTheKey() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> read(llama3Like()
                        .putString("llama.rope.scaling.type", "longrope")
                        .putFloat32("llama.rope.scaling.factor", 4f)));
        assertTrue(e.getMessage().contains("llama.rope.scaling.type 'longrope'"), e.getMessage());
    }

    @Test
    void mistralArchitectureIsLlamaUnderneathAndSlidingWindowIsReported() throws IOException {
        GGUFWriter w = new GGUFWriter();
        llama3Like().metadata().forEach((k, v) -> w.put(k.startsWith("llama.") ? "mistral." + k.substring(6) : k, v));
        w.putString("general.architecture", "mistral").putUInt32("mistral.attention.sliding_window", 4096);
        LlamaConfig c = read(w);
        assertEquals(read(llama3Like()).dim(), c.dim());
        assertEquals(2, c.kvHeads());
        assertEquals(4096, c.slidingWindow());
        assertTrue(c.describe().contains("sliding window 4096"), c.describe());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> read(llama3Like().putString("general.architecture", "gemma")));
        assertTrue(e.getMessage().contains("'gemma'"), e.getMessage());
    }
}
