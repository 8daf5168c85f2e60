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
            SyntheticModel.write(SyntheticModel.preset("tiny"), SyntheticModel.TypeScheme.parse("f32"), vocabulary, 1, p, s -> { });
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
        Path p = copyWith(tiny(), "blk.0.attn_k.weight", new long[]{256, 32});
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(p, null));
        assertTrue(e.getMessage().contains("blk.0.attn_k.weight") && e.getMessage().contains("[256, 32]")
                && e.getMessage().contains("[256, 64]"), e.getMessage());
    }
}
