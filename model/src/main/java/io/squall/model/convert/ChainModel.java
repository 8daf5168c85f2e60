package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tensor.GGMLType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tiny Llama model whose greedy continuation is fixed: after token {@code chain[0]} it emits {@code chain[1]},
 * then {@code chain[2]}, ... For testing what sits on top of generation (a Llama Guard verdict parser, a client)
 * with a known answer and no real model. The next token depends only on the current one: the blocks add nothing
 * (zero projections), each chain token has a one-hot embedding, and the classifier maps each chain token's slot
 * to the next token.
 */
public final class ChainModel {
    private ChainModel() {}

    /**
     * Writes the model with the vocabulary of {@code vocabulary} (its tokenizer.* keys).
     *
     * @param chain distinct tokens but the last (at most 64); the model emits chain[i+1] after chain[i]
     */
    public static void write(GGUFFile vocabulary, String name, int[] chain, int contextLength, Path out)
            throws IOException {
        int dim = 64, hidden = 64, heads = 2;
        int vocabSize = vocabulary.getArray("tokenizer.ggml.tokens").length();
        if (chain.length < 2 || chain.length - 1 > dim) {
            throw new IllegalArgumentException("a chain of 2.." + (dim + 1) + " tokens, got " + chain.length);
        }
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < chain.length; i++) {
            if (chain[i] < 0 || chain[i] >= vocabSize) {
                throw new IllegalArgumentException(
                        "chain[" + i + "] = " + chain[i] + " is outside the vocabulary 0.." + (vocabSize - 1));
            }
            if (i < chain.length - 1 && !distinct.add(chain[i])) {
                throw new IllegalArgumentException(
                        "chain tokens (but the last) must differ: " + Arrays.toString(chain));
            }
        }
        float[] embedding = new float[vocabSize * dim];
        float[] output = new float[vocabSize * dim];
        for (int i = 0; i + 1 < chain.length; i++) {
            embedding[chain[i] * dim + i] = 1f;
            output[chain[i + 1] * dim + i] = 10f;
        }
        float[] ones = new float[dim];
        Arrays.fill(ones, 1f);
        GGUFWriter w = new GGUFWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", name);
        w.putUInt32("llama.context_length", contextLength);
        w.putUInt32("llama.embedding_length", dim);
        w.putUInt32("llama.block_count", 1);
        w.putUInt32("llama.feed_forward_length", hidden);
        w.putUInt32("llama.attention.head_count", heads);
        w.putUInt32("llama.attention.head_count_kv", heads);
        w.putUInt32("llama.rope.dimension_count", dim / heads);
        w.putFloat32("llama.rope.freq_base", 10000f);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32("llama.vocab_size", vocabSize);
        w.putAll(vocabulary, "tokenizer.");
        w.addTensor(
                "token_embd.weight",
                GGMLType.F32,
                new long[] {dim, vocabSize},
                TensorEncoding.encode(GGMLType.F32, embedding));
        w.addTensor(
                "blk.0.attn_norm.weight", GGMLType.F32, new long[] {dim}, TensorEncoding.encode(GGMLType.F32, ones));
        w.addTensor("blk.0.ffn_norm.weight", GGMLType.F32, new long[] {dim}, TensorEncoding.encode(GGMLType.F32, ones));
        for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
            w.addTensor(
                    "blk.0." + m + ".weight",
                    GGMLType.F32,
                    new long[] {dim, dim},
                    TensorEncoding.encode(GGMLType.F32, new float[dim * dim]));
        }
        float[] zeros = new float[dim * hidden];
        w.addTensor(
                "blk.0.ffn_gate.weight",
                GGMLType.F32,
                new long[] {dim, hidden},
                TensorEncoding.encode(GGMLType.F32, zeros));
        w.addTensor(
                "blk.0.ffn_up.weight",
                GGMLType.F32,
                new long[] {dim, hidden},
                TensorEncoding.encode(GGMLType.F32, zeros));
        w.addTensor(
                "blk.0.ffn_down.weight",
                GGMLType.F32,
                new long[] {hidden, dim},
                TensorEncoding.encode(GGMLType.F32, zeros));
        w.addTensor("output_norm.weight", GGMLType.F32, new long[] {dim}, TensorEncoding.encode(GGMLType.F32, ones));
        w.addTensor(
                "output.weight",
                GGMLType.F32,
                new long[] {dim, vocabSize},
                TensorEncoding.encode(GGMLType.F32, output));
        w.write(out);
    }
}
