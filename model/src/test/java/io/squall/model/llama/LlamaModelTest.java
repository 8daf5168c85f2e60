package io.squall.model.llama;

import io.squall.model.convert.SyntheticModel;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading: missing tensors and wrong shapes are errors naming the tensor and both shapes. */
class LlamaModelTest {
    @TempDir
    Path dir;

    /** A tiny synthetic model (dim 256, 8/2 heads, 2 layers) with the stories vocabulary. */
    Path tiny() throws IOException {
        Path p = dir.resolve("tiny.gguf");
        try (GGUFFile vocabulary = GGUFFile.open(TestModels.stories())) {
            SyntheticModel.write(
                    SyntheticModel.preset("tiny"), SyntheticModel.TypeScheme.parse("f32"), vocabulary, 1, p, s -> {});
        }
        return p;
    }

    /** A copy of {@code source} where tensor {@code name} is dropped (replacement null) or replaced by zeros of {@code dims}. */
    Path copyWith(Path source, String name, long[] dims) throws IOException {
        Path p = dir.resolve("changed.gguf");
        try (GGUFFile f = GGUFFile.open(source)) {
            GGUFWriter w = new GGUFWriter().putAll(f, "");
            for (TensorInfo t : f.tensors()) {
                if (!t.name().equals(name)) {
                    w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
                } else if (dims != null) {
                    w.addTensor(name, GGMLType.F32, dims, MemorySegment.ofArray(new float[(int) (dims[0] * dims[1])]));
                }
            }
            w.write(p);
        }
        return p;
    }

    @Test
    void loadsAndCountsWeights() throws IOException {
        try (LlamaModel m = LlamaModel.load(tiny(), null)) {
            assertEquals(2, m.config().kvHeads());
            assertTrue(m.config().tiedEmbeddings());
            assertEquals(m.tokenEmbedding(), m.output(), "tied: the classifier is the embedding table");
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path p = copyWith(tiny(), "blk.1.ffn_up.weight", null);
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(p, null));
        assertTrue(e.getMessage().contains("missing tensor blk.1.ffn_up.weight"), e.getMessage());
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws IOException {
        Path p = copyWith(tiny(), "blk.0.attn_k.weight", new long[] {256, 32});
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(p, null));
        assertTrue(
                e.getMessage().contains("blk.0.attn_k.weight")
                        && e.getMessage().contains("[256, 32]")
                        && e.getMessage().contains("[256, 64]"),
                e.getMessage());
    }

    /** A copy of {@code source} with {@code key} set to the UINT32 {@code value}. */
    Path withKey(Path source, String key, int value) throws IOException {
        Path p = dir.resolve("key.gguf");
        try (GGUFFile f = GGUFFile.open(source)) {
            GGUFWriter w = new GGUFWriter().putAll(f, "").putUInt32(key, value);
            for (TensorInfo t : f.tensors()) {
                w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            }
            w.write(p);
        }
        return p;
    }

    @Test
    void hyperParametersAreCheckedAgainstTheTensorTableBeforeSizingAnything() throws IOException {
        Path tiny = tiny();
        for (int blocks : new int[] {Integer.MAX_VALUE, 1_400_000_000, 1, 3}) {
            Path p = withKey(tiny, "llama.block_count", blocks);
            var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(p, null));
            assertEquals(
                    p + ": llama.block_count = " + blocks + " but the tensor table has 2 blocks (blk.N for N in 0..1)",
                    e.getMessage());
        }
        var ffn = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaModel.load(withKey(tiny, "llama.feed_forward_length", 1 << 30), null));
        assertTrue(
                ffn.getMessage()
                        .contains(
                                "tensor blk.0.ffn_up.weight has shape [256, 512] but llama.embedding_length = 256 and "
                                        + "llama.feed_forward_length = 1073741824 make it [256, 1073741824]"),
                ffn.getMessage());
        var dim = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaModel.load(withKey(tiny, "llama.embedding_length", 1 << 20), null));
        assertTrue(
                dim.getMessage()
                        .contains("tensor token_embd.weight has shape [256, 512] but llama.embedding_length = 1048576"),
                dim.getMessage());
        var ctx = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaModel.load(withKey(tiny, "llama.context_length", 1 << 30), null));
        assertTrue(
                ctx.getMessage()
                        .endsWith("llama.context_length = 1073741824 is beyond the 16777216 tokens Squall accepts"),
                ctx.getMessage());
    }

    @Test
    void blockTensorsWithAGapAreNamed() throws IOException {
        Path p = dir.resolve("gap.gguf");
        try (GGUFFile f = GGUFFile.open(tiny())) {
            GGUFWriter w = new GGUFWriter().putAll(f, "");
            for (TensorInfo t : f.tensors()) {
                w.addTensor(t.name().replace("blk.1.", "blk.7."), t.type(), t.dims(), f.tensorData(t));
            }
            w.write(p);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(p, null));
        assertTrue(
                e.getMessage()
                        .endsWith("llama.block_count = 2 but the tensor table has 2 blocks (blk.N for N in 0, 7)"),
                e.getMessage());
    }

    /** The repack's log names the types actually repacked (a Q4_0-only model says Q4_0 alone). */
    @Test
    void repackLogNamesTheRepackedTypes() {
        assertEquals("Q4_0", LlamaModel.typeNames(java.util.EnumSet.of(GGMLType.Q4_0)));
        assertEquals("Q4_K and Q6_K", LlamaModel.typeNames(java.util.EnumSet.of(GGMLType.Q6_K, GGMLType.Q4_K)));
        assertEquals(
                "Q4_0, Q4_K and Q6_K",
                LlamaModel.typeNames(java.util.EnumSet.of(GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K)));
    }
}
