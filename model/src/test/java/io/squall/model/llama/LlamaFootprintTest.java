package io.squall.model.llama;

import io.squall.device.placement.ModelFootprint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LlamaFootprintTest {
    @Test
    void llamaFootprintFromTensorSizes() {
        java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        sizes.put("token_embd.weight", 1000L);
        sizes.put("output_norm.weight", 16L);
        sizes.put("blk.0.attn_q.weight", 100L);
        sizes.put("blk.0.ffn_down.weight", 50L);
        sizes.put("blk.1.attn_q.weight", 70L);
        ModelFootprint tied = LlamaFootprint.of(sizes, 2, 4, 8, 2, 2, 10, 2, 32);
        assertEquals(150, tied.layerWeights(0, 1));
        assertEquals(70, tied.layerWeights(1, 2));
        assertEquals(1000, tied.embeddingBytes());
        assertEquals(1016, tied.outputBytes(), "a tied head reads the embedding table");
        assertEquals(2L * 32 * 2 * 4, tied.kvBytesPerLayer());
        sizes.put("output.weight", 900L);
        assertEquals(916, LlamaFootprint.of(sizes, 2, 4, 8, 2, 2, 10, 2, 32).outputBytes());
        sizes.put("blk.2.attn_q.weight", 1L);
        assertThrows(IllegalArgumentException.class, () -> LlamaFootprint.of(sizes, 2, 4, 8, 2, 2, 10, 2, 32));
    }
}
