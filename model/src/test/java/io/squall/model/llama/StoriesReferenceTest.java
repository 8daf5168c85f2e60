package io.squall.model.llama;

import io.squall.model.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU engine on the embedded model (models/stories260K.gguf, converted by Squall) against an independent
 * double-precision forward pass written here, reading the original llama2.c checkpoint directly.
 */
class StoriesReferenceTest {
    /** Largest allowed |engine - reference| of any logit (float vs double arithmetic; logits are of order 10). */
    static final double LOGIT_TOLERANCE = 2e-3;
    static final int STEPS = 64;

    @Test
    void greedyGenerationMatchesDoublePrecisionReference() throws IOException {
        Reference ref = new Reference(TestModels.testdata("stories260K.bin"));
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            assertEquals(ref.dim, model.config().dim());
            assertEquals(ref.kvHeads, model.config().kvHeads());
            CpuEngine engine = new CpuEngine(model, model.config().contextLength());
            int[] engineTokens = new int[STEPS + 1];
            int[] refTokens = new int[STEPS + 1];
            engineTokens[0] = refTokens[0] = 1;   // llama2.c starts from BOS
            double worst = 0;
            for (int pos = 0; pos < STEPS; pos++) {
                float[] logits = engine.forward(engineTokens[pos], pos);
                double[] expected = ref.forward(refTokens[pos], pos);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
                }
                engineTokens[pos + 1] = Sampler.argmax(logits);
                refTokens[pos + 1] = Reference.argmax(expected);
            }
            assertArrayEquals(refTokens, engineTokens, "greedy tokens differ from the reference");
            assertTrue(worst < LOGIT_TOLERANCE, "largest logit difference " + worst + " exceeds " + LOGIT_TOLERANCE);
            // the model really speaks: not one token repeated
            assertTrue(java.util.Arrays.stream(engineTokens).distinct().count() > 10, "degenerate output");
        }
    }

    /** llama2.c's forward pass, in double precision, over the checkpoint's float32 weights. */
    static final class Reference {
        final int dim, hidden, layers, heads, kvHeads, vocab, seqLen, headSize, kvDim;
        final float[] embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal;
        final double[][] keys, values;

        Reference(Path checkpoint) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(checkpoint)).order(ByteOrder.LITTLE_ENDIAN);
            dim = b.getInt();
            hidden = b.getInt();
            layers = b.getInt();
            heads = b.getInt();
            kvHeads = b.getInt();
            vocab = Math.abs(b.getInt());
            seqLen = b.getInt();
            headSize = dim / heads;
            kvDim = kvHeads * headSize;
            embedding = floats(b, vocab * dim);
            rmsAtt = floats(b, layers * dim);
            wq = floats(b, layers * dim * dim);
            wk = floats(b, layers * kvDim * dim);
            wv = floats(b, layers * kvDim * dim);
            wo = floats(b, layers * dim * dim);
            rmsFfn = floats(b, layers * dim);
            w1 = floats(b, layers * hidden * dim);
            w2 = floats(b, layers * dim * hidden);
            w3 = floats(b, layers * hidden * dim);
            rmsFinal = floats(b, dim);
            keys = new double[layers][seqLen * kvDim];
            values = new double[layers][seqLen * kvDim];
        }

        private static float[] floats(ByteBuffer b, int n) {
            float[] f = new float[n];
            b.asFloatBuffer().get(f);
            b.position(b.position() + 4 * n);
            return f;
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
                for (int i = 0; i < dim; i += 2) {   // RoPE on adjacent pairs, base 10000
                    int headDim = i % headSize;
                    double angle = pos / Math.pow(10000.0, headDim / (double) headSize);
                    double cos = Math.cos(angle), sin = Math.sin(angle);
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
            return matmul(embedding, 0, rmsnorm(x, rmsFinal, 0), vocab, dim);
        }

        private static double[] rmsnorm(double[] x, float[] w, int wOffset) {
            double ss = 0;
            for (double v : x) {
                ss += v * v;
            }
            double scale = 1 / Math.sqrt(ss / x.length + 1e-5);
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
}
