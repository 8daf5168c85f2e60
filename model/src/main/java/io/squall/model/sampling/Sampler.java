package io.squall.model.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits with llama.cpp's default chain: repetition penalty, top-k, top-p, min-p,
 * temperature, then a seeded random draw; or greedily (first maximum) when the temperature is 0.
 * Buffers are preallocated: sampling allocates nothing. Not thread-safe.
 */
public final class Sampler {
    private final SamplerSettings settings;
    private final SplittableRandom random;
    private final float[] work; // penalized logits
    private final long[] order; // candidates as sortable (logit, id) keys
    private final float[] candidateLogits;
    private final int[] candidateIds;
    private final double[] probabilities;
    private final int[] seenStamp; // marks tokens already penalized in this call
    private final float[] heap; // top-k threshold search
    private int stamp;

    public Sampler(SamplerSettings settings, int vocabularySize) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        this.work = new float[vocabularySize];
        this.order = new long[vocabularySize];
        this.candidateLogits = new float[vocabularySize];
        this.candidateIds = new int[vocabularySize];
        this.probabilities = new double[vocabularySize];
        this.seenStamp = new int[vocabularySize];
        this.heap = new float[Math.max(1, Math.min(settings.topK(), vocabularySize))];
    }

    public SamplerSettings settings() {
        return settings;
    }

    /** Samples from {@code logits} (not modified); {@code history[0..historyLength)} are the tokens so far, for the penalty. */
    public int sample(float[] logits, int[] history, int historyLength) {
        int n = logits.length;
        if (n != work.length) {
            throw new IllegalArgumentException(
                    "logits have " + n + " entries, the sampler was made for " + work.length);
        }
        System.arraycopy(logits, 0, work, 0, n);
        applyRepetitionPenalty(work, history, historyLength);
        if (settings.isGreedy()) {
            return argmax(work);
        }
        int count = sortedCandidates(work);
        count = topP(count);
        count = minP(count);
        return draw(count);
    }

    /**
     * Whether {@link #sampleCandidates} gives what {@link #sample} would on the whole row: a random draw
     * ({@code temperature > 0}) restricted to the top k ({@code 0 < k <= capacity}) with no repetition penalty (it changes logits outside
     * the k, so the full row is needed). Top-p and min-p only look at the k candidates, so they need nothing more.
     */
    public boolean needsOnlyTopK(int capacity) {
        return !settings.isGreedy()
                && settings.topK() > 0
                && Math.min(settings.topK(), work.length) <= capacity
                && settings.repeatPenalty() == 1f;
    }

    /** How many candidates {@link #sampleCandidates} wants: top-k, at most the vocabulary. */
    public int candidateCount() {
        return Math.min(settings.topK(), work.length);
    }

    /**
     * Samples from the top-k candidates alone (see {@link #needsOnlyTopK}): {@code ids[0..count)} and their
     * {@code logits}, sorted as the full path sorts them (logit descending, ties by lower id). Draws the same random
     * numbers as {@link #sample}, so a seeded run picks the same tokens.
     */
    public int sampleCandidates(int[] ids, float[] logits, int count) {
        if (!needsOnlyTopK(Integer.MAX_VALUE)) {
            throw new IllegalStateException(
                    "sampling from the top-k candidates alone needs temperature > 0, top-k > 0 and no "
                            + "repetition penalty; settings: " + settings);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("no candidates to sample from (every logit was NaN?)");
        }
        count = Math.min(count, candidateCount());
        System.arraycopy(ids, 0, candidateIds, 0, count);
        System.arraycopy(logits, 0, candidateLogits, 0, count);
        count = topP(count);
        count = minP(count);
        return draw(count);
    }

    /** The indices of the n largest values, largest first (ties: lower index first). */
    public static int[] topIndices(float[] values, int n) {
        n = Math.min(n, values.length);
        int[] best = new int[n];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size == n && (n == 0 || values[i] <= values[best[n - 1]])) {
                continue;
            }
            int j = size < n ? size++ : n - 1;
            while (j > 0 && values[best[j - 1]] < values[i]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return best;
    }

    /** log(sum(exp(values))), shifted by the maximum so it does not overflow: the log-softmax normalizer. */
    public static double logSumExp(float[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : values) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /** Index of the first maximum. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** llama.cpp's penalty: each distinct recent token's logit is divided by the penalty when positive, multiplied when not. */
    private void applyRepetitionPenalty(float[] l, int[] history, int historyLength) {
        float penalty = settings.repeatPenalty();
        if (penalty == 1f || history == null) {
            return;
        }
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(seenStamp, 0);
            stamp = 1;
        }
        for (int i = Math.max(0, historyLength - settings.repeatLastN()); i < historyLength; i++) {
            int t = history[i];
            if (t < 0 || t >= l.length || seenStamp[t] == stamp) {
                continue;
            }
            seenStamp[t] = stamp;
            l[t] = l[t] <= 0 ? l[t] * penalty : l[t] / penalty;
        }
    }

    /** Keeps the top-k (all when disabled) sorted by logit, descending, ties by id; returns the count. */
    private int sortedCandidates(float[] l) {
        int k = settings.topK() > 0 ? Math.min(settings.topK(), l.length) : l.length;
        float threshold = k < l.length ? kthLargest(l, k) : Float.NEGATIVE_INFINITY;
        int m = 0;
        for (int i = 0; i < l.length; i++) {
            if (l[i] >= threshold) {
                order[m++] = ((long) ~sortableBits(l[i]) << 32) | i;
            }
        }
        Arrays.sort(order, 0, m);
        int count = Math.min(m, k);
        for (int j = 0; j < count; j++) {
            int id = (int) order[j];
            candidateIds[j] = id;
            candidateLogits[j] = l[id];
        }
        return count;
    }

    /** The k-th largest value, with a min-heap of size k. */
    private float kthLargest(float[] l, int k) {
        int size = 0;
        for (float value : l) {
            if (size < k) {
                int i = size++;
                heap[i] = value;
                while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
                    swap(i, (i - 1) / 2);
                    i = (i - 1) / 2;
                }
            } else if (value > heap[0]) {
                heap[0] = value;
                int i = 0;
                while (true) {
                    int left = 2 * i + 1, right = left + 1, smallest = i;
                    if (left < k && heap[left] < heap[smallest]) smallest = left;
                    if (right < k && heap[right] < heap[smallest]) smallest = right;
                    if (smallest == i) break;
                    swap(i, smallest);
                    i = smallest;
                }
            }
        }
        return heap[0];
    }

    private void swap(int a, int b) {
        float t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }

    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? bits ^ 0x7fffffff : bits; // orders negative floats correctly as signed ints
    }

    /** Smallest prefix whose probability (softmax without temperature, as llama.cpp) reaches p; at least one. */
    private int topP(int count) {
        float p = settings.topP();
        if (p >= 1f) {
            return count;
        }
        softmax(count, 1f);
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += probabilities[i];
            if (cumulative >= p) {
                return i + 1;
            }
        }
        return count;
    }

    /** Keeps candidates whose probability is at least minP x the largest one's (compared in logit space). */
    private int minP(int count) {
        float minP = settings.minP();
        if (minP <= 0f) {
            return count;
        }
        double threshold = candidateLogits[0] + Math.log(minP);
        int kept = 1;
        while (kept < count && candidateLogits[kept] >= threshold) {
            kept++;
        }
        return kept;
    }

    private int draw(int count) {
        double sum = softmax(count, settings.temperature());
        double r = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += probabilities[i];
            if (r < cumulative) {
                return candidateIds[i];
            }
        }
        return candidateIds[count - 1];
    }

    /** probabilities[i] = exp((logit_i - max) / temperature) / sum, for the first {@code count} candidates; returns 1. */
    private double softmax(int count, float temperature) {
        double max = candidateLogits[0];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            probabilities[i] = Math.exp((candidateLogits[i] - max) / temperature);
            sum += probabilities[i];
        }
        for (int i = 0; i < count; i++) {
            probabilities[i] /= sum;
        }
        return 1.0;
    }
}
