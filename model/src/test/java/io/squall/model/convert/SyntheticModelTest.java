package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.Dequantizer;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tokenizer.convert.VocabularyConverters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SyntheticModelTest {

    @TempDir
    static Path dir;

    static Path vocabPath;

    @BeforeAll
    static void vocabulary() throws Exception {
        Path tok = Llama2cConverterTest.TOKENIZER;
        assumeTrue(Files.isRegularFile(tok), "testdata absent: " + tok);
        GGUFWriter w = new GGUFWriter().putString("general.architecture", "llama");
        VocabularyConverters.fromLlama2cTokenizer(tok, w);
        vocabPath = dir.resolve("tok512-vocab.gguf");
        w.write(vocabPath);
    }

    static Path make(String preset, String type, long seed) throws Exception {
        Path out = dir.resolve(preset + "-" + type + "-" + seed + ".gguf");
        if (!Files.exists(out)) {
            try (GGUFFile vocab = GGUFFile.open(vocabPath)) {
                SyntheticModel.write(
                        SyntheticModel.preset(preset),
                        SyntheticModel.TypeScheme.parse(type),
                        vocab,
                        seed,
                        out,
                        s -> {});
            }
        }
        return out;
    }

    static float[] values(GGUFFile f, TensorInfo t) {
        float[] out = new float[(int) t.elementCount()];
        Dequantizer.dequantize(t.type(), f.tensorData(t), 0, out, 0, out.length);
        return out;
    }

    static double std(float[] v) {
        double s = 0, s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }

    @Test
    void everyTensorTypeHasTheLlamaLayoutAndTheVocabulary() throws Exception {
        for (String type : List.of(
                "f32", "f16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k", "q4_k_m", "q4_1", "q5_0", "q5_1", "iq4_nl",
                "q2_k", "q3_k", "q5_k", "iq4_xs", "q3_k_m", "q5_k_m")) {
            Path p = make("tiny", type, 42);
            try (GGUFFile f = GGUFFile.open(p);
                    GGUFFile vocab = GGUFFile.open(vocabPath)) {
                assertEquals("llama", f.getString("general.architecture"), type);
                assertEquals(256, f.getInt("llama.embedding_length"));
                assertEquals(512, f.getInt("llama.feed_forward_length"));
                assertEquals(2, f.getInt("llama.block_count"));
                assertEquals(8, f.getInt("llama.attention.head_count"));
                assertEquals(2, f.getInt("llama.attention.head_count_kv"));
                assertEquals(32, f.getInt("llama.rope.dimension_count"));
                assertEquals(512, f.getInt("llama.vocab_size"));
                vocab.metadata().forEach((k, v) -> {
                    if (k.startsWith("tokenizer.")) {
                        assertEquals(v, f.metadata().get(k), k);
                    }
                });
                assertNull(f.tensor("output.weight"), "tiny has tied embeddings");
                assertEquals(1 + 2 * 9 + 1, f.tensors().size());
                assertArrayEquals(
                        new long[] {256, 64}, f.tensor("blk.1.attn_k.weight").dims());
                assertArrayEquals(
                        new long[] {512, 256}, f.tensor("blk.1.ffn_down.weight").dims());
                GGMLType base = SyntheticModel.TypeScheme.parse(type).base();
                assertEquals(base, f.tensor("blk.0.attn_q.weight").type(), type);
                assertEquals(GGMLType.F32, f.tensor("blk.0.ffn_norm.weight").type());
                if (type.equals("q4_k_m")) {
                    assertEquals(GGMLType.Q6_K, f.tensor("token_embd.weight").type(), "tied classifier gets Q6_K");
                    assertEquals(GGMLType.Q6_K, f.tensor("blk.1.attn_v.weight").type(), "last layer gets more bits");
                    assertEquals(GGMLType.Q4_K, f.tensor("blk.0.attn_v.weight").type());
                    assertEquals(15, f.getInt("general.file_type"));
                }
                assertEquals(TensorEncoding.isQuantized(base), f.has("general.quantization_version"));
                for (float x : values(f, f.tensor("blk.0.attn_norm.weight"))) {
                    assertEquals(1f, x);
                }
                double q = std(values(f, f.tensor("blk.0.attn_q.weight")));
                assertEquals(1 / Math.sqrt(256), q, 0.1 / Math.sqrt(256), type + ": attn_q std");
                assertEquals(0.02, std(values(f, f.tensor("token_embd.weight"))), 0.003, type + ": embedding std");
            }
        }
    }

    @Test
    void quantizedFilesEncodeTheSameRandomWeightsAsF32() throws Exception {
        try (GGUFFile f32 = GGUFFile.open(make("tiny", "f32", 42));
                GGUFFile q8 = GGUFFile.open(make("tiny", "q8_0", 42))) {
            for (TensorInfo t : f32.tensors()) {
                float[] a = values(f32, t);
                float[] b = values(q8, q8.tensor(t.name()));
                double maxAbs = 0;
                for (float x : a) {
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                }
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], maxAbs / 127 + 1e-6, t.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void seedDeterminesTheFile() throws Exception {
        Path a = make("tiny", "q4_0", 7);
        Path copy = dir.resolve("again.gguf");
        try (GGUFFile vocab = GGUFFile.open(vocabPath)) {
            SyntheticModel.write(
                    SyntheticModel.preset("tiny"), SyntheticModel.TypeScheme.parse("q4_0"), vocab, 7, copy, s -> {});
        }
        assertEquals(-1, Files.mismatch(a, copy), "same seed, same bytes");
        assertNotEquals(-1, Files.mismatch(a, make("tiny", "q4_0", 8)), "another seed, other weights");
    }

    @Test
    void untiedPresetWithLlama3RopeScaling() throws Exception {
        try (GGUFFile f = GGUFFile.open(make("tiny-untied", "q6_k", 1))) {
            assertNotNull(f.tensor("output.weight"));
            assertArrayEquals(new long[] {256, 512}, f.tensor("output.weight").dims());
            TensorInfo rf = f.tensor("rope_freqs.weight");
            assertArrayEquals(new long[] {32}, rf.dims());
            float[] factors = values(f, rf);
            assertEquals(1f, factors[0], "high frequencies are not scaled");
            assertEquals(8f, factors[31], "low frequencies are divided by the factor");
            for (int i = 1; i < factors.length; i++) {
                assertTrue(factors[i] >= factors[i - 1], "factors grow with the wavelength");
            }
            // ffn_down rows of 768 fill Q6_K's 256-blocks; every matrix is Q6_K.
            assertEquals(GGMLType.Q6_K, f.tensor("blk.0.ffn_down.weight").type());
        }
    }

    @Test
    void presetsAndValidation() {
        SyntheticModel.Spec one = SyntheticModel.preset("llama3.2-1b");
        assertEquals(1_235_814_400L, one.parameterCount(), "Llama 3.2 1B's parameter count");
        assertEquals(64, one.headSize());
        assertEquals(512, one.kvDim());
        assertThrows(IllegalArgumentException.class, () -> SyntheticModel.preset("nope"));
        assertThrows(IllegalArgumentException.class, () -> SyntheticModel.TypeScheme.parse("q7_1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SyntheticModel.Spec("x", 100, 64, 1, 3, 1, 10, 1e4f, 8, 1e-5f, true, null));
        // Rows that do not fill a block fall back instead of failing.
        assertEquals(GGMLType.Q8_0, TensorEncoding.fitting(GGMLType.Q4_K, 64));
        assertEquals(GGMLType.F16, TensorEncoding.fitting(GGMLType.Q8_0, 172));
    }

    /** The mixes on 16 layers (use_more_bits picks layers 0, 1, 4, 7, 10, 13, 14, 15) with 8/2 heads (GQA 4). */
    @Test
    void kMixesAssignTypesAsLlamaQuantize() throws Exception {
        SyntheticModel.Spec spec =
                new SyntheticModel.Spec("mix", 256, 256, 16, 8, 2, 64, 10000f, 64, 1e-5f, false, null);
        java.util.Set<Integer> moreBits = java.util.Set.of(0, 1, 4, 7, 10, 13, 14, 15);
        record Expect(
                String mix,
                int fileType,
                GGMLType q,
                java.util.function.IntFunction<GGMLType> v,
                java.util.function.IntFunction<GGMLType> down,
                GGMLType out) {}
        List<Expect> cases = List.of(
                new Expect("q2_k_mix", 10, GGMLType.Q2_K, l -> GGMLType.Q4_K, l -> GGMLType.Q3_K, GGMLType.Q3_K),
                new Expect("q3_k_s", 11, GGMLType.Q3_K, l -> GGMLType.Q3_K, l -> GGMLType.Q3_K, GGMLType.Q3_K),
                new Expect(
                        "q3_k_m",
                        12,
                        GGMLType.Q3_K,
                        l -> l < 2 ? GGMLType.Q5_K : GGMLType.Q4_K,
                        l -> l < 1 ? GGMLType.Q5_K : GGMLType.Q4_K,
                        GGMLType.Q4_K),
                new Expect("q3_k_l", 13, GGMLType.Q3_K, l -> GGMLType.Q5_K, l -> GGMLType.Q5_K, GGMLType.Q5_K),
                new Expect(
                        "q4_k_s",
                        14,
                        GGMLType.Q4_K,
                        l -> l < 4 ? GGMLType.Q5_K : GGMLType.Q4_K,
                        l -> l < 2 ? GGMLType.Q5_K : GGMLType.Q4_K,
                        GGMLType.Q4_K),
                new Expect(
                        "q4_k_m",
                        15,
                        GGMLType.Q4_K,
                        l -> moreBits.contains(l) ? GGMLType.Q6_K : GGMLType.Q4_K,
                        l -> moreBits.contains(l) ? GGMLType.Q6_K : GGMLType.Q4_K,
                        GGMLType.Q4_K),
                new Expect("q5_k_s", 16, GGMLType.Q5_K, l -> GGMLType.Q5_K, l -> GGMLType.Q5_K, GGMLType.Q5_K),
                new Expect(
                        "q5_k_m",
                        17,
                        GGMLType.Q5_K,
                        l -> moreBits.contains(l) ? GGMLType.Q6_K : GGMLType.Q5_K,
                        l -> moreBits.contains(l) ? GGMLType.Q6_K : GGMLType.Q5_K,
                        GGMLType.Q5_K));
        for (Expect e : cases) {
            Path out = dir.resolve("mix-" + e.mix() + ".gguf");
            SyntheticModel.write(spec, SyntheticModel.TypeScheme.parse(e.mix()), null, 3, out, s -> {});
            try (GGUFFile f = GGUFFile.open(out)) {
                assertEquals(e.fileType(), f.getInt("general.file_type"), e.mix());
                assertEquals(GGMLType.Q6_K, f.tensor("output.weight").type(), e.mix() + " classifier");
                assertEquals(e.q(), f.tensor("token_embd.weight").type(), e.mix() + " embedding (untied)");
                for (int l = 0; l < 16; l++) {
                    String p = "blk." + l + ".";
                    assertEquals(e.q(), f.tensor(p + "attn_q.weight").type(), e.mix() + " " + p + "attn_q");
                    assertEquals(e.q(), f.tensor(p + "ffn_up.weight").type(), e.mix() + " " + p + "ffn_up");
                    assertEquals(e.v().apply(l), f.tensor(p + "attn_v.weight").type(), e.mix() + " " + p + "attn_v");
                    assertEquals(
                            e.down().apply(l), f.tensor(p + "ffn_down.weight").type(), e.mix() + " " + p + "ffn_down");
                    assertEquals(e.out(), f.tensor(p + "attn_output.weight").type(), e.mix() + " " + p + "attn_output");
                }
            }
        }
    }
}
