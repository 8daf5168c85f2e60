package io.squall.llama;

import io.squall.model.sampling.SamplerSettings;

/**
 * How the next token is chosen: llama.cpp's chain (repetition penalty, top-k, top-p, min-p, temperature, seeded
 * draw), or greedy decoding when the temperature is 0. Immutable; build with {@link #builder()}.
 * <pre>{@code
 * Sampling s = Sampling.builder().temperature(0.7).topP(0.9).seed(42).build();
 * }</pre>
 */
public final class Sampling {
    private final SamplerSettings settings;
    private final boolean seeded;

    private Sampling(SamplerSettings settings, boolean seeded) {
        this.settings = settings;
        this.seeded = seeded;
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty, a random seed. */
    public static Sampling defaults() {
        return builder().build();
    }

    /** Greedy decoding: always the most likely token (deterministic). */
    public static Sampling greedy() {
        return builder().temperature(0).build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings (its seed included when one was set). */
    public Builder toBuilder() {
        Builder b = new Builder()
                .temperature(settings.temperature())
                .topK(settings.topK())
                .topP(settings.topP())
                .minP(settings.minP())
                .repeatPenalty(settings.repeatPenalty())
                .repeatLastN(settings.repeatLastN());
        return seeded ? b.seed(settings.seed()) : b;
    }

    /** The temperature; 0 means greedy. */
    public double temperature() {
        return settings.temperature();
    }

    /** Whether this picks the most likely token every time. */
    public boolean isGreedy() {
        return settings.isGreedy();
    }

    /** The engine-level settings, with a fresh random seed per call unless a seed was set. */
    SamplerSettings settingsForRun() {
        if (seeded) {
            return settings;
        }
        return new SamplerSettings(
                settings.temperature(),
                settings.topK(),
                settings.topP(),
                settings.minP(),
                settings.repeatPenalty(),
                settings.repeatLastN(),
                System.nanoTime());
    }

    @Override
    public String toString() {
        return "Sampling" + settings + (seeded ? "" : " (random seed)");
    }

    /** Builds a {@link Sampling}; each setter checks its value and names it when it is out of range. */
    public static final class Builder {
        private double temperature = 0.8;
        private int topK = 40;
        private double topP = 0.95;
        private double minP = 0.05;
        private double repeatPenalty = 1.0;
        private int repeatLastN = 64;
        private Long seed;

        private Builder() {}

        /** 0 (greedy) or more; higher is more random. */
        public Builder temperature(double t) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + t);
            }
            temperature = t;
            return this;
        }

        /** Keep the k most likely tokens; 0 disables. */
        public Builder topK(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("top_k must be >= 0, got " + k);
            }
            topK = k;
            return this;
        }

        /** Keep the smallest set of tokens whose probability reaches p, in [0, 1]; 1 disables. */
        public Builder topP(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("top_p must be in [0, 1], got " + p);
            }
            topP = p;
            return this;
        }

        /** Drop tokens less likely than p times the most likely one, in [0, 1]; 0 disables. */
        public Builder minP(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("min_p must be in [0, 1], got " + p);
            }
            minP = p;
            return this;
        }

        /** Penalty (> 0) on recently generated tokens; 1 disables. */
        public Builder repeatPenalty(double penalty) {
            if (!(penalty > 0) || Double.isInfinite(penalty)) {
                throw new IllegalArgumentException("repeat_penalty must be a finite number > 0, got " + penalty);
            }
            repeatPenalty = penalty;
            return this;
        }

        /** How many recent tokens the repetition penalty looks at (>= 0). */
        public Builder repeatLastN(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("repeat_last_n must be >= 0, got " + n);
            }
            repeatLastN = n;
            return this;
        }

        /** A seed for reproducible sampling (default: a new random seed per generation). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** The settings. */
        public Sampling build() {
            return new Sampling(
                    new SamplerSettings(
                            (float) temperature,
                            topK,
                            (float) topP,
                            (float) minP,
                            (float) repeatPenalty,
                            repeatLastN,
                            seed != null ? seed : 0L),
                    seed != null);
        }
    }
}
