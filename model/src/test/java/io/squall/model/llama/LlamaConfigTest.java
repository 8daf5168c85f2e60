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
                .putStringArray("tokenizer.ggml.tokens", new String[]{"a", "b", "c"});
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
        GGUFWriter w = llama3Like("llama.attention.head_count_kv", "llama.rope.dimension_count", "llama.rope.freq_base");
        w.addTensor("output.weight", GGMLType.F32, new long[]{64, 3}, MemorySegment.ofArray(new float[64 * 3]));
        LlamaConfig c = read(w);
        assertEquals(8, c.kvHeads(), "no head_count_kv: multi-head attention");
        assertEquals(8, c.ropeDims(), "rope dimension defaults to the head size");
        assertEquals(10000f, c.ropeBase(), "rope.freq_base defaults to 10000 only when absent");
        assertFalse(c.tiedEmbeddings());
    }

    @Test
    void readsLlama31FrequencyFactors() throws IOException {
        float[] factors = {1f, 1f, 2.5f, 8f};
        LlamaConfig c = read(llama3Like().addTensor("rope_freqs.weight", GGMLType.F32, new long[]{4}, f32(factors)));
        assertArrayEquals(factors, c.ropeFreqFactors());
    }

    @Test
    void wrongFrequencyFactorShapeNamesTheTensor() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> read(llama3Like().addTensor("rope_freqs.weight", GGMLType.F32, new long[]{3}, f32(1, 1, 1))));
        assertTrue(e.getMessage().contains("rope_freqs.weight") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void missingKeysAreNamed() {
        for (String key : new String[]{"llama.embedding_length", "llama.block_count", "llama.feed_forward_length",
                "llama.attention.head_count", "llama.attention.layer_norm_rms_epsilon", "llama.context_length", "tokenizer.ggml.tokens"}) {
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
}
