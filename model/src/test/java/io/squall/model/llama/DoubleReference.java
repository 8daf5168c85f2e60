package io.squall.model.llama;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.tensor.Dequantizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An independent Llama forward pass for tests: llama2.c's run.c in double precision, plain loops, no engine code.
 * Weights come from a llama2.c checkpoint (read directly) or from GGUF tensors (dequantized to float).
 */
final class DoubleReference {
    final int dim, hidden, layers, heads, kvHeads, vocab, seqLen, headSize, kvDim;
    final double ropeBase, eps;
    final float[] freqFactors; // null: no Llama 3.1 scaling
    final float[] embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier;
    final double[][] keys, values;

    private DoubleReference(
            int dim,
            int hidden,
            int layers,
            int heads,
            int kvHeads,
            int vocab,
            int seqLen,
            double ropeBase,
            double eps,
            float[] freqFactors,
            float[][] w) {
        this.dim = dim;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.vocab = vocab;
        this.seqLen = seqLen;
        this.headSize = dim / heads;
        this.kvDim = kvHeads * headSize;
        this.ropeBase = ropeBase;
        this.eps = eps;
        this.freqFactors = freqFactors;
        embedding = w[0];
        rmsAtt = w[1];
        wq = w[2];
        wk = w[3];
        wv = w[4];
        wo = w[5];
        rmsFfn = w[6];
        w1 = w[7];
        w2 = w[8];
        w3 = w[9];
        rmsFinal = w[10];
        classifier = w[11];
        keys = new double[layers][seqLen * kvDim];
        values = new double[layers][seqLen * kvDim];
    }

    /** llama2.c checkpoint: seven int32 then float32 weights (see shared/testdata/README.md); shared classifier. */
    static DoubleReference fromLlama2c(Path checkpoint) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(checkpoint)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = b.getInt(), hidden = b.getInt(), layers = b.getInt(), heads = b.getInt(), kvHeads = b.getInt();
        int vocab = Math.abs(b.getInt()), seqLen = b.getInt();
        int kvDim = kvHeads * (dim / heads);
        float[][] w = new float[12][];
        w[0] = floats(b, vocab * dim);
        w[1] = floats(b, layers * dim);
        w[2] = floats(b, layers * dim * dim);
        w[3] = floats(b, layers * kvDim * dim);
        w[4] = floats(b, layers * kvDim * dim);
        w[5] = floats(b, layers * dim * dim);
        w[6] = floats(b, layers * dim);
        w[7] = floats(b, layers * hidden * dim);
        w[8] = floats(b, layers * dim * hidden);
        w[9] = floats(b, layers * hidden * dim);
        w[10] = floats(b, dim);
        w[11] = w[0];
        return new DoubleReference(dim, hidden, layers, heads, kvHeads, vocab, seqLen, 10000.0, 1e-5, null, w);
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        b.position(b.position() + 4 * n);
        return f;
    }

    /** From a GGUF file, with hyper-parameters read here from the llama.* keys (no LlamaConfig). */
    static DoubleReference fromGGUF(GGUFFile f, int seqLen) {
        int dim = f.getInt("llama.embedding_length"), layers = f.getInt("llama.block_count");
        int hidden = f.getInt("llama.feed_forward_length"), heads = f.getInt("llama.attention.head_count");
        int kvHeads = f.getInt("llama.attention.head_count_kv", heads);
        int vocab = (int) f.tensor("token_embd.weight").dims()[1];
        float[][] w = new float[12][];
        w[0] = tensor(f, "token_embd.weight");
        w[1] = layers(f, "attn_norm", layers);
        w[2] = layers(f, "attn_q", layers);
        w[3] = layers(f, "attn_k", layers);
        w[4] = layers(f, "attn_v", layers);
        w[5] = layers(f, "attn_output", layers);
        w[6] = layers(f, "ffn_norm", layers);
        w[7] = layers(f, "ffn_gate", layers);
        w[8] = layers(f, "ffn_down", layers);
        w[9] = layers(f, "ffn_up", layers);
        w[10] = tensor(f, "output_norm.weight");
        w[11] = f.tensor("output.weight") != null ? tensor(f, "output.weight") : w[0];
        float[] factors = f.tensor("rope_freqs.weight") != null ? tensor(f, "rope_freqs.weight") : null;
        return new DoubleReference(
                dim,
                hidden,
                layers,
                heads,
                kvHeads,
                vocab,
                seqLen,
                f.getFloat("llama.rope.freq_base", 10000f),
                f.getFloat("llama.attention.layer_norm_rms_epsilon"),
                factors,
                w);
    }

    private static float[] tensor(GGUFFile f, String name) {
        TensorInfo t = f.tensor(name);
        float[] out = new float[(int) t.elementCount()];
        Dequantizer.dequantize(t.type(), f.tensorData(t), 0, out, 0, out.length);
        return out;
    }

    private static float[] layers(GGUFFile f, String name, int layers) {
        float[] first = tensor(f, "blk.0." + name + ".weight");
        float[] all = new float[first.length * layers];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(tensor(f, "blk." + l + "." + name + ".weight"), 0, all, l * first.length, first.length);
        }
        return all;
    }

    double[] forward(int token, int pos) {
        double[] x = new double[dim];
        for (int i = 0; i < dim; i++) {
            x[i] = embedding[token * dim + i];
        }
        for (int l = 0; l < layers; l++) {
            double[] xb = rmsnorm(x, rmsAtt, l * dim);
            double[] q = matmul(wq, l * dim * dim, xb, dim, dim);
            double[] k = matmul(wk, l * kvDim * dim, xb, kvDim, dim);
            double[] v = matmul(wv, l * kvDim * dim, xb, kvDim, dim);
            for (int i = 0; i < dim; i += 2) { // RoPE on adjacent pairs
                int headDim = i % headSize;
                double frequency = 1 / Math.pow(ropeBase, headDim / (double) headSize);
                if (freqFactors != null) {
                    frequency /= freqFactors[headDim / 2];
                }
                double cos = Math.cos(pos * frequency), sin = Math.sin(pos * frequency);
                double q0 = q[i], q1 = q[i + 1];
                q[i] = q0 * cos - q1 * sin;
                q[i + 1] = q0 * sin + q1 * cos;
                if (i < kvDim) {
                    double k0 = k[i], k1 = k[i + 1];
                    k[i] = k0 * cos - k1 * sin;
                    k[i + 1] = k0 * sin + k1 * cos;
                }
            }
            System.arraycopy(k, 0, keys[l], pos * kvDim, kvDim);
            System.arraycopy(v, 0, values[l], pos * kvDim, kvDim);
            double[] attOut = new double[dim];
            for (int h = 0; h < heads; h++) {
                int kvh = h / (heads / kvHeads);
                double[] att = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    double s = 0;
                    for (int i = 0; i < headSize; i++) {
                        s += q[h * headSize + i] * keys[l][t * kvDim + kvh * headSize + i];
                    }
                    att[t] = s / Math.sqrt(headSize);
                    max = Math.max(max, att[t]);
                }
                double sum = 0;
                for (int t = 0; t <= pos; t++) {
                    att[t] = Math.exp(att[t] - max);
                    sum += att[t];
                }
                for (int t = 0; t <= pos; t++) {
                    for (int i = 0; i < headSize; i++) {
                        attOut[h * headSize + i] += att[t] / sum * values[l][t * kvDim + kvh * headSize + i];
                    }
                }
            }
            double[] o = matmul(wo, l * dim * dim, attOut, dim, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += o[i];
            }
            xb = rmsnorm(x, rmsFfn, l * dim);
            double[] h1 = matmul(w1, l * hidden * dim, xb, hidden, dim);
            double[] h3 = matmul(w3, l * hidden * dim, xb, hidden, dim);
            for (int i = 0; i < hidden; i++) {
                h1[i] = h1[i] / (1 + Math.exp(-h1[i])) * h3[i];
            }
            double[] down = matmul(w2, l * dim * hidden, h1, dim, hidden);
            for (int i = 0; i < dim; i++) {
                x[i] += down[i];
            }
        }
        return matmul(classifier, 0, rmsnorm(x, rmsFinal, 0), vocab, dim);
    }

    private double[] rmsnorm(double[] x, float[] w, int wOffset) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * w[wOffset + i];
        }
        return out;
    }

    private static double[] matmul(float[] w, int offset, double[] x, int rows, int cols) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += w[offset + r * cols + c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
