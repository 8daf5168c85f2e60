package io.squall.model.convert;

import io.squall.model.gguf.FileErrors;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tokenizer.convert.VocabularyConverters;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Converts a llama2.c checkpoint ({@code .bin}: seven int32 header fields, then float32 weights) and its
 * {@code tokenizer.bin} into a GGUF file of architecture {@code llama} with llama.cpp's tensor names.
 * llama2.c's row-major {@code rows x cols} matrices are GGUF tensors of dims {@code [cols, rows]}; no row
 * permutation is needed because llama2.c rotates adjacent pairs as llama.cpp's {@code llama} architecture does.
 */
public final class Llama2cConverter {

    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int HEADER_BYTES = 7 * 4;

    private Llama2cConverter() {}

    /** The checkpoint header; a negative vocab_size in the file means an unshared classifier. */
    public record Config(
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocabSize,
            int seqLen,
            boolean sharedClassifier) {

        public int headSize() {
            return dim / heads;
        }

        public int kvDim() {
            return headSize() * kvHeads;
        }

        /** Bytes the header promises: header, weights, the two legacy RoPE tables, the classifier when unshared. */
        public long expectedFileSize() {
            long d = dim, h = hiddenDim, l = layers, v = vocabSize, kv = kvDim();
            long floats = v * d
                    + l * d
                    + l * d * d
                    + 2 * l * kv * d
                    + l * d * d
                    + l * d
                    + 3 * l * h * d
                    + d
                    + 2L * seqLen * (headSize() / 2)
                    + (sharedClassifier ? 0 : v * d);
            return HEADER_BYTES + 4 * floats;
        }
    }

    /** Reads and validates the header of a checkpoint of {@code fileSize} bytes. */
    static Config readConfig(MemorySegment file, String name) throws IOException {
        if (file.byteSize() < HEADER_BYTES) {
            throw new IOException(
                    name + ": not a llama2.c checkpoint: " + file.byteSize() + " bytes, the header alone needs 28");
        }
        int[] h = new int[7];
        MemorySegment.copy(file, I32_LE, 0, h, 0, 7);
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        for (int i = 0; i < 7; i++) {
            int v = i == 5 ? Math.abs(h[i]) : h[i];
            if (v <= 0 || v > (1 << 24)) {
                throw new IOException(name + ": implausible llama2.c header field " + names[i] + " = " + h[i]
                        + " (at byte offset " + 4 * i + ")");
            }
        }
        Config c = new Config(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], h[5] > 0);
        if (c.dim % c.heads != 0 || c.heads % c.kvHeads != 0 || c.headSize() % 2 != 0) {
            throw new IOException(name + ": inconsistent llama2.c header: dim " + c.dim + ", n_heads " + c.heads
                    + ", n_kv_heads " + c.kvHeads
                    + " (dim must divide into heads of even size, and n_heads be a multiple of n_kv_heads)");
        }
        if (file.byteSize() < c.expectedFileSize()) {
            throw new IOException(name + ": truncated llama2.c checkpoint: the header " + c + " needs "
                    + c.expectedFileSize() + " bytes, the file has " + file.byteSize());
        }
        return c;
    }

    /** Reads the header of a checkpoint file. */
    public static Config readConfig(Path checkpoint) throws IOException {
        try (Arena arena = Arena.ofConfined();
                FileChannel ch = openForReading(checkpoint)) {
            return readConfig(map(ch, checkpoint, arena), checkpoint.toString());
        }
    }

    private static FileChannel openForReading(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a llama2.c checkpoint");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw FileErrors.naming(file, "opening the checkpoint", e);
        }
    }

    private static MemorySegment map(FileChannel ch, Path file, Arena arena) throws IOException {
        try {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            throw FileErrors.naming(file, "mapping the checkpoint", e);
        }
    }

    /**
     * Converts {@code checkpoint} + {@code tokenizerBin} to {@code out}. Matrices get {@code type} (norms stay F32; a
     * matrix whose rows do not fill {@code type}'s blocks falls back, see {@link TensorEncoding#fitting}).
     */
    public static Config convert(
            Path checkpoint, Path tokenizerBin, Path out, GGMLType type, String modelName, Consumer<String> progress)
            throws IOException {
        try (Arena arena = Arena.ofShared();
                FileChannel ch = openForReading(checkpoint)) {
            MemorySegment file = map(ch, checkpoint, arena);
            Config c = readConfig(file, checkpoint.toString());
            progress.accept("checkpoint " + checkpoint.getFileName() + ": dim " + c.dim + ", hidden " + c.hiddenDim
                    + ", layers " + c.layers
                    + ", heads " + c.heads + "/" + c.kvHeads + " kv, vocab " + c.vocabSize + ", context " + c.seqLen
                    + (c.sharedClassifier ? ", shared classifier" : ", unshared classifier"));
            GGUFWriter w = new GGUFWriter();
            putMetadata(w, c, type, modelName);
            VocabularyConverters.fromLlama2cTokenizer(tokenizerBin, w);
            int tokens = w.has("tokenizer.ggml.tokens")
                    ? ((String[]) ((io.squall.model.gguf.GGUFArray)
                                            w.get("tokenizer.ggml.tokens").value())
                                    .values())
                            .length
                    : -1;
            if (tokens != c.vocabSize) {
                throw new IOException(tokenizerBin + ": vocabulary has " + tokens
                        + " tokens but the checkpoint's vocab_size is " + c.vocabSize);
            }
            addTensors(w, file, c, type);
            w.progress((name, i, n, bytes) ->
                    progress.accept(String.format("[%d/%d] %s (%.1f MB written)", i + 1, n, name, bytes / 1e6)));
            w.write(out);
            progress.accept("wrote " + out);
            return c;
        }
    }

    static void putMetadata(GGUFWriter w, Config c, GGMLType type, String modelName) {
        w.putString("general.architecture", "llama");
        w.putString("general.name", modelName);
        w.putUInt32("general.file_type", TensorEncoding.fileType(type));
        if (TensorEncoding.isQuantized(type)) {
            w.putUInt32("general.quantization_version", 2);
        }
        w.putUInt32("llama.context_length", c.seqLen);
        w.putUInt32("llama.embedding_length", c.dim);
        w.putUInt32("llama.block_count", c.layers);
        w.putUInt32("llama.feed_forward_length", c.hiddenDim);
        w.putUInt32("llama.attention.head_count", c.heads);
        w.putUInt32("llama.attention.head_count_kv", c.kvHeads);
        w.putUInt32("llama.rope.dimension_count", c.headSize());
        w.putFloat32("llama.rope.freq_base", 10000f);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32("llama.vocab_size", c.vocabSize);
    }

    /** Adds the tensors in llama.cpp's order, each a view of the checkpoint (F32) or encoded while written. */
    static void addTensors(GGUFWriter w, MemorySegment file, Config c, GGMLType type) {
        long d = c.dim, h = c.hiddenDim, kv = c.kvDim(), v = c.vocabSize;
        int l = c.layers;
        // Float offsets of each weight array in the checkpoint, in file order.
        long embedding = 0;
        long rmsAtt = embedding + v * d;
        long wq = rmsAtt + l * d;
        long wk = wq + l * d * d;
        long wv = wk + l * kv * d;
        long wo = wv + l * kv * d;
        long rmsFfn = wo + l * d * d;
        long w1 = rmsFfn + l * d;
        long w2 = w1 + l * h * d;
        long w3 = w2 + l * d * h;
        long rmsFinal = w3 + l * h * d;
        long classifier = rmsFinal + d + 2L * c.seqLen * (c.headSize() / 2);

        matrix(w, file, "token_embd.weight", embedding, v, d, type);
        for (int i = 0; i < l; i++) {
            String p = "blk." + i + ".";
            vector(w, file, p + "attn_norm.weight", rmsAtt + i * d, d);
            matrix(w, file, p + "attn_q.weight", wq + i * d * d, d, d, type);
            matrix(w, file, p + "attn_k.weight", wk + i * kv * d, kv, d, type);
            matrix(w, file, p + "attn_v.weight", wv + i * kv * d, kv, d, type);
            matrix(w, file, p + "attn_output.weight", wo + i * d * d, d, d, type);
            vector(w, file, p + "ffn_norm.weight", rmsFfn + i * d, d);
            matrix(w, file, p + "ffn_gate.weight", w1 + i * h * d, h, d, type);
            matrix(w, file, p + "ffn_down.weight", w2 + i * d * h, d, h, type);
            matrix(w, file, p + "ffn_up.weight", w3 + i * h * d, h, d, type);
        }
        vector(w, file, "output_norm.weight", rmsFinal, d);
        if (!c.sharedClassifier) {
            matrix(w, file, "output.weight", classifier, v, d, type);
        }
    }

    private static MemorySegment floats(MemorySegment file, long floatOffset, long count) {
        return file.asSlice(HEADER_BYTES + 4 * floatOffset, 4 * count);
    }

    private static void vector(GGUFWriter w, MemorySegment file, String name, long floatOffset, long n) {
        w.addTensor(name, GGMLType.F32, new long[] {n}, floats(file, floatOffset, n));
    }

    /** A rows x cols row-major float matrix; GGUF dims [cols, rows]. */
    private static void matrix(
            GGUFWriter w, MemorySegment file, String name, long floatOffset, long rows, long cols, GGMLType wanted) {
        GGMLType type = TensorEncoding.fitting(wanted, cols);
        MemorySegment src = floats(file, floatOffset, rows * cols);
        long[] dims = {cols, rows};
        if (type == GGMLType.F32) {
            w.addTensor(name, type, dims, src);
            return;
        }
        w.addTensor(name, type, dims, sink -> {
            long rowsPerPiece = Math.max(1, (1 << 20) / cols);
            for (long r = 0; r < rows; r += rowsPerPiece) {
                int n = (int) (Math.min(rowsPerPiece, rows - r) * cols);
                float[] values = new float[n];
                MemorySegment.copy(src, F32_LE, 4 * r * cols, values, 0, n);
                sink.write(TensorEncoding.encode(type, values));
            }
        });
    }
}
