package io.squall.model.llama;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocked attention kernel against a plain double-precision softmax(q k^T / sqrt(hs)) v, causal. */
class AttentionTest {
    /** A cache of kvHeads heads and some positions, and the queries of a chunk of tokens at positions start... */
    private record Case(
            int heads, int kvHeads, int headSize, int positions, float[] keys, int stride, float[] values, float[] q) {
        int group() {
            return heads / kvHeads;
        }

        int kvDim() {
            return kvHeads * headSize;
        }

        int dim() {
            return heads * headSize;
        }

        static Case random(int heads, int kvHeads, int headSize, int positions, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int stride = Attention.keyStride(positions);
            int kvDim = kvHeads * headSize;
            float[] keys = Attention.growKeys(null, 0, stride, kvHeads, headSize);
            float[] values = new float[positions * kvDim];
            float[] k = new float[kvDim];
            for (int p = 0; p < positions; p++) {
                for (int i = 0; i < kvDim; i++) {
                    k[i] = (float) random.nextDouble(-2, 2);
                    values[p * kvDim + i] = (float) random.nextDouble(-1, 1);
                }
                Attention.storeKey(keys, stride, kvHeads, headSize, p, k, 0);
            }
            float[] q = new float[positions * heads * headSize]; // one query row per position and head
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) random.nextDouble(-2, 2);
            }
            return new Case(heads, kvHeads, headSize, positions, keys, stride, values, q);
        }

        /** The reference output of head h for the token at position pos (its query row), in double. */
        double[] reference(int pos, int h) {
            int kh = h / group();
            int qo = pos * dim() + h * headSize;
            double[] scores = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int p = 0; p <= pos; p++) {
                double dot = 0;
                for (int d = 0; d < headSize; d++) {
                    dot += (double) q[qo + d] * Attention.key(keys, stride, headSize, kh, p, d);
                }
                scores[p] = dot / Math.sqrt(headSize);
                max = Math.max(max, scores[p]);
            }
            double sum = 0;
            for (int p = 0; p <= pos; p++) {
                scores[p] = Math.exp(scores[p] - max);
                sum += scores[p];
            }
            double[] out = new double[headSize];
            for (int p = 0; p <= pos; p++) {
                for (int d = 0; d < headSize; d++) {
                    out[d] += scores[p] / sum * values[p * kvDim() + kh * headSize + d];
                }
            }
            return out;
        }

        /** Runs the given (position, head) rows, all of one key/value head, in one call; outputs at q's layout. */
        void attend(int kvHead, int[] positions, int[] heads, Attention.Rows rows, float[] out) {
            rows.clear();
            for (int i = 0; i < positions.length; i++) {
                int offset = positions[i] * dim() + heads[i] * headSize;
                rows.add(offset, offset, positions[i] + 1);
            }
            Attention.attend(
                    q, keys, stride, values, kvDim(), kvHead, headSize, (float) (1 / Math.sqrt(headSize)), rows, out);
        }
    }

    private static Attention.Rows rows(int stride) {
        Attention.Rows rows = new Attention.Rows();
        rows.scores = new float[Attention.ROWS * stride];
        return rows;
    }

    /**
     * GQA groups of 1, 3, 4 and 8 heads, head sizes of whole vectors and not (40: a scalar tail on 16 lanes), odd
     * lengths; each row alone and with up to three others of the same key/value head at other positions (as a chunk
     * of a prompt that starts mid-cache: positions 29..) matches the reference.
     */
    @Test
    void matchesADoublePrecisionReference() {
        int[][] shapes = { // heads, kvHeads, headSize, positions
            {4, 4, 64, 45}, {8, 2, 64, 77}, {16, 2, 64, 61}, {6, 2, 40, 33}, {8, 1, 24, 19}, {4, 2, 128, 70}
        };
        long seed = 1;
        for (int[] shape : shapes) {
            Case c = Case.random(shape[0], shape[1], shape[2], shape[3], seed++);
            Attention.Rows rows = rows(c.stride());
            float[] out = new float[c.q().length];
            SplittableRandom random = new SplittableRandom(seed);
            double worst = 0;
            for (int pos = 0; pos < c.positions(); pos++) {
                for (int h = 0; h < c.heads(); h++) {
                    int kh = h / c.group();
                    // this row first, then up to three other rows of the key/value head, longer or shorter
                    int count = 1 + random.nextInt(Attention.ROWS);
                    int[] positions = new int[count];
                    int[] heads = new int[count];
                    positions[0] = pos;
                    heads[0] = h;
                    for (int i = 1; i < count; i++) {
                        positions[i] = random.nextInt(c.positions());
                        heads[i] = kh * c.group() + random.nextInt(c.group());
                    }
                    java.util.Arrays.fill(out, Float.NaN);
                    c.attend(kh, positions, heads, rows, out);
                    double[] expected = c.reference(pos, h);
                    int o = pos * c.dim() + h * c.headSize();
                    for (int d = 0; d < c.headSize(); d++) {
                        worst = Math.max(worst, Math.abs(expected[d] - out[o + d]));
                    }
                }
            }
            assertTrue(worst < 2e-6, java.util.Arrays.toString(shape) + ": largest difference " + worst);
        }
    }

    /**
     * A row's result does not depend on the rows beside it (a prompt's chunk and token-by-token decoding give the same
     * numbers), bit for bit; rows not in the call are not written.
     */
    @Test
    void aRowGivesTheSameBitsAloneAndInAGroup() {
        Case c = Case.random(8, 2, 64, 53, 7);
        Attention.Rows rows = rows(c.stride());
        int hs = c.headSize();
        for (int pos : new int[] {0, 15, 16, 31, 32, 52}) {
            float[] alone = new float[c.q().length];
            c.attend(1, new int[] {pos}, new int[] {5}, rows, alone);
            float[] grouped = new float[c.q().length];
            int other = (pos + 17) % c.positions();
            c.attend(1, new int[] {other, pos, 52, 3}, new int[] {4, 5, 7, 6}, rows, grouped);
            int o = pos * c.dim() + 5 * hs;
            assertArrayEquals(
                    java.util.Arrays.copyOfRange(alone, o, o + hs),
                    java.util.Arrays.copyOfRange(grouped, o, o + hs),
                    "position " + pos);
            int untouched = 2 * c.dim(); // position 2's rows were in neither call
            assertEquals(0f, grouped[untouched]);
        }
    }

    /** Growing the transposed key cache keeps every key where keyIndex looks for it. */
    @Test
    void growingTheKeyCacheKeepsTheKeys() {
        Case c = Case.random(4, 2, 24, 21, 3);
        int stride = Attention.keyStride(70);
        float[] grown = Attention.growKeys(c.keys(), c.stride(), stride, c.kvHeads(), c.headSize());
        for (int kh = 0; kh < c.kvHeads(); kh++) {
            for (int p = 0; p < c.positions(); p++) {
                for (int d = 0; d < c.headSize(); d++) {
                    assertEquals(
                            Attention.key(c.keys(), c.stride(), c.headSize(), kh, p, d),
                            Attention.key(grown, stride, c.headSize(), kh, p, d));
                }
            }
        }
        assertEquals(0, Attention.keyStride(70) % Attention.BLOCK);
        assertTrue(Attention.keyStride(70) >= 70);
    }
}
