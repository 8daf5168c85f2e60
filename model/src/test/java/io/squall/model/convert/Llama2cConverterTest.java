package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class Llama2cConverterTest {

    static final Path TESTDATA = Path.of(System.getProperty("squall.testdata", "../../shared/testdata"));
    static final Path CHECKPOINT = TESTDATA.resolve("stories260K.bin");
    static final Path TOKENIZER = TESTDATA.resolve("tok512.bin");
    /** Tests run in model/; the shipped model is at the repository root. */
    static final Path SHIPPED = Path.of("..", "models", "stories260K.gguf");

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    static void assumeTestdata() {
        assumeTrue(Files.isRegularFile(CHECKPOINT) && Files.isRegularFile(TOKENIZER), "testdata absent: " + TESTDATA);
    }

    /** The checkpoint's float arrays read one after another in llama2.c's order (independent of the converter's offsets). */
    static List<float[]> llama2cArrays(Path checkpoint) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(checkpoint)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = b.getInt(),
                hidden = b.getInt(),
                layers = b.getInt(),
                heads = b.getInt(),
                kvHeads = b.getInt(),
                vocab = b.getInt(),
                seq = b.getInt();
        int kvDim = dim / heads * kvHeads;
        int[] sizes = {
            Math.abs(vocab) * dim,
            layers * dim,
            layers * dim * dim,
            layers * kvDim * dim,
            layers * kvDim * dim,
            layers * dim * dim,
            layers * dim,
            layers * hidden * dim,
            layers * dim * hidden,
            layers * hidden * dim,
            dim,
            seq * dim / heads / 2,
            seq * dim / heads / 2,
            vocab < 0 ? -vocab * dim : 0
        };
        List<float[]> arrays = new ArrayList<>();
        for (int n : sizes) {
            float[] a = new float[n];
            b.asFloatBuffer().get(a);
            b.position(b.position() + 4 * n);
            arrays.add(a);
        }
        return arrays;
    }

    static float[] data(GGUFFile f, String name) {
        TensorInfo t = f.tensor(name);
        assertNotNull(t, name);
        assertEquals(GGMLType.F32, t.type(), name);
        MemorySegment s = f.tensorData(t);
        float[] out = new float[(int) t.elementCount()];
        MemorySegment.copy(s, F32, 0, out, 0, out.length);
        return out;
    }

    static float[] slice(float[] a, int from, int n) {
        return java.util.Arrays.copyOfRange(a, from, from + n);
    }

    @Test
    void shippedModelMatchesAFreshConversion() throws Exception {
        assumeTestdata();
        assumeTrue(Files.isRegularFile(SHIPPED), "shipped model absent at " + SHIPPED.toAbsolutePath());
        Path fresh = dir.resolve("fresh.gguf");
        Llama2cConverter.convert(CHECKPOINT, TOKENIZER, fresh, GGMLType.F32, "stories260K", s -> {});
        try (GGUFFile a = GGUFFile.open(fresh);
                GGUFFile b = GGUFFile.open(SHIPPED)) {
            assertEquals(a.metadata(), b.metadata());
            assertEquals(a.tensors(), b.tensors());
            for (TensorInfo t : a.tensors()) {
                assertEquals(-1, a.tensorData(t).mismatch(b.tensorData(b.tensor(t.name()))), t.name());
            }
        }
        assertEquals(-1, Files.mismatch(fresh, SHIPPED), "conversion is deterministic, byte for byte");
    }

    @Test
    void shippedModelMetadataTensorTableAndWeights() throws Exception {
        assumeTestdata();
        Path model = Files.isRegularFile(SHIPPED) ? SHIPPED : dir.resolve("m.gguf");
        if (!Files.isRegularFile(model)) {
            Llama2cConverter.convert(CHECKPOINT, TOKENIZER, model, GGMLType.F32, "stories260K", s -> {});
        }
        try (GGUFFile f = GGUFFile.open(model)) {
            assertEquals("llama", f.getString("general.architecture"));
            assertEquals("stories260K", f.getString("general.name"));
            assertEquals(0, f.getInt("general.file_type"));
            assertEquals(512, f.getInt("llama.context_length"));
            assertEquals(64, f.getInt("llama.embedding_length"));
            assertEquals(5, f.getInt("llama.block_count"));
            assertEquals(172, f.getInt("llama.feed_forward_length"));
            assertEquals(8, f.getInt("llama.attention.head_count"));
            assertEquals(4, f.getInt("llama.attention.head_count_kv"));
            assertEquals(8, f.getInt("llama.rope.dimension_count"));
            assertEquals(10000f, f.getFloat("llama.rope.freq_base"));
            assertEquals(1e-5f, f.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(512, f.getInt("llama.vocab_size"));
            assertEquals("llama", f.getString("tokenizer.ggml.model"));
            assertEquals(512, f.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(1, f.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(2, f.getInt("tokenizer.ggml.eos_token_id"));

            assertEquals(2 + 5 * 9, f.tensors().size());
            assertNull(f.tensor("output.weight"), "the classifier is shared with the embedding");
            assertArrayEquals(
                    new long[] {64, 512}, f.tensor("token_embd.weight").dims());
            assertArrayEquals(
                    new long[] {64, 32}, f.tensor("blk.0.attn_k.weight").dims());
            assertArrayEquals(
                    new long[] {64, 172}, f.tensor("blk.3.ffn_gate.weight").dims());
            assertArrayEquals(
                    new long[] {172, 64}, f.tensor("blk.3.ffn_down.weight").dims());
            assertArrayEquals(new long[] {64}, f.tensor("output_norm.weight").dims());
            for (TensorInfo t : f.tensors()) {
                assertEquals(GGMLType.F32, t.type(), t.name());
                assertEquals(0, t.offset() % f.alignment(), t.name());
            }

            // Every weight equals the checkpoint's, read independently in llama2.c's order.
            List<float[]> ck = llama2cArrays(CHECKPOINT);
            int d = 64, h = 172, kv = 32;
            assertArrayEquals(ck.get(0), data(f, "token_embd.weight"));
            String[] perLayer = {
                "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_down", "ffn_up"
            };
            int[] sizes = {d, d * d, kv * d, kv * d, d * d, d, h * d, d * h, h * d};
            for (int l = 0; l < 5; l++) {
                for (int k = 0; k < perLayer.length; k++) {
                    String name = "blk." + l + "." + perLayer[k] + ".weight";
                    assertArrayEquals(slice(ck.get(1 + k), l * sizes[k], sizes[k]), data(f, name), name);
                }
            }
            assertArrayEquals(ck.get(10), data(f, "output_norm.weight"));
            // Row r of wq (the weights of output r) is GGUF row r: element [r * cols + c].
            float[] wq = data(f, "blk.1.attn_q.weight");
            assertEquals(ck.get(2)[d * d + 5 * d + 7], wq[5 * d + 7]);
        }
    }

    @Test
    void f16ConversionKeepsNormsF32AndRoundsMatrices() throws Exception {
        assumeTestdata();
        Path out = dir.resolve("f16.gguf");
        Llama2cConverter.convert(CHECKPOINT, TOKENIZER, out, GGMLType.F16, "stories260K-f16", s -> {});
        List<float[]> ck = llama2cArrays(CHECKPOINT);
        try (GGUFFile f = GGUFFile.open(out)) {
            assertEquals(1, f.getInt("general.file_type"));
            assertEquals(GGMLType.F32, f.tensor("blk.0.attn_norm.weight").type());
            TensorInfo emb = f.tensor("token_embd.weight");
            assertEquals(GGMLType.F16, emb.type());
            MemorySegment s = f.tensorData(emb);
            float[] ref = ck.get(0);
            for (int i = 0; i < ref.length; i++) {
                short half = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
                assertEquals(
                        Float.float16ToFloat(Float.floatToFloat16(ref[i])), Float.float16ToFloat(half), "element " + i);
            }
        }
    }

    /** A tiny random checkpoint with a negative vocab_size (unshared classifier) and tok512's 512 tokens. */
    @Test
    void unsharedClassifierBecomesOutputWeight() throws Exception {
        assumeTestdata();
        int dim = 8, hidden = 16, layers = 2, heads = 2, kvHeads = 1, vocab = 512, seq = 4;
        int kvDim = dim / heads * kvHeads;
        long floats = (long) vocab * dim
                + layers * dim
                + 2L * layers * dim * dim
                + 2L * layers * kvDim * dim
                + layers * dim
                + 3L * layers * hidden * dim
                + dim
                + 2L * seq * (dim / heads / 2)
                + (long) vocab * dim;
        ByteBuffer b = ByteBuffer.allocate((int) (28 + 4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(dim)
                .putInt(hidden)
                .putInt(layers)
                .putInt(heads)
                .putInt(kvHeads)
                .putInt(-vocab)
                .putInt(seq);
        Random r = new Random(7);
        while (b.hasRemaining()) {
            b.putFloat(r.nextFloat());
        }
        Path ck = dir.resolve("tiny.bin");
        Files.write(ck, b.array());
        Path out = dir.resolve("tiny.gguf");
        Llama2cConverter.convert(ck, TOKENIZER, out, GGMLType.F32, "tiny", s -> {});
        List<float[]> arrays = llama2cArrays(ck);
        try (GGUFFile f = GGUFFile.open(out)) {
            assertArrayEquals(new long[] {dim, vocab}, f.tensor("output.weight").dims());
            assertArrayEquals(arrays.get(13), data(f, "output.weight"));
            assertArrayEquals(arrays.get(0), data(f, "token_embd.weight"));
            assertEquals(2 + 1 + layers * 9, f.tensors().size());
        }
        // Truncated: the error names the shape and the sizes.
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(b.array(), b.capacity() - 4));
        IOException e = assertThrows(
                IOException.class,
                () -> Llama2cConverter.convert(cut, TOKENIZER, dir.resolve("x.gguf"), GGMLType.F32, "x", s -> {}));
        assertTrue(
                e.getMessage().contains("truncated llama2.c checkpoint")
                        && e.getMessage().contains("the file has " + (b.capacity() - 4)),
                e.getMessage());
        // Header nonsense.
        ByteBuffer bad = ByteBuffer.allocate(28)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(64)
                .putInt(172)
                .putInt(5)
                .putInt(0)
                .putInt(4)
                .putInt(512)
                .putInt(512);
        Path badFile = dir.resolve("bad.bin");
        Files.write(badFile, bad.array());
        e = assertThrows(IOException.class, () -> Llama2cConverter.readConfig(badFile));
        assertTrue(e.getMessage().contains("n_heads = 0 (at byte offset 12)"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.gguf")), "nothing written on error");
    }

    @Test
    void vocabularyMismatchIsAnError() throws Exception {
        assumeTestdata();
        Path llama2 = TESTDATA.resolve("llama2-tokenizer/tokenizer.bin");
        assumeTrue(Files.isRegularFile(llama2), "llama2 tokenizer.bin absent");
        IOException e = assertThrows(
                IOException.class,
                () -> Llama2cConverter.convert(CHECKPOINT, llama2, dir.resolve("x.gguf"), GGMLType.F32, "x", s -> {}));
        assertTrue(
                e.getMessage().contains("vocabulary has 32000 tokens but the checkpoint's vocab_size is 512"),
                e.getMessage());
    }
}
