package io.squall.model.sampling;

/**
 * How to pick the next token. Defaults follow llama.cpp's: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05,
 * repetition penalty 1.0 (off) over the last 64 tokens.
 *
 * @param temperature  0 (or less) means greedy: the first maximum of the logits
 * @param topK         keep the k most likely tokens; 0 or less disables
 * @param topP         keep the smallest set whose probability reaches p; 1 disables
 * @param minP         drop tokens less likely than minP x the most likely one; 0 disables
 * @param repeatPenalty divide positive (multiply negative) logits of recently seen tokens; 1 disables
 * @param repeatLastN  how many recent tokens the penalty looks at
 * @param seed         seed of the random generator, for reproducible runs
 */
public record SamplerSettings(
        float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN, long seed) {

    public SamplerSettings {
        if (Float.isNaN(temperature)
                || topP < 0
                || topP > 1
                || Float.isNaN(topP)
                || minP < 0
                || minP > 1
                || Float.isNaN(minP)
                || !(repeatPenalty > 0)
                || repeatLastN < 0) {
            throw new IllegalArgumentException("invalid sampling settings: temperature " + temperature + ", top-p "
                    + topP + " (0..1), min-p " + minP + " (0..1), repeat penalty " + repeatPenalty
                    + " (> 0), repeat-last-n " + repeatLastN);
        }
    }

    public static SamplerSettings defaults(long seed) {
        return new SamplerSettings(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, seed);
    }

    public static SamplerSettings greedy() {
        return new SamplerSettings(0f, 0, 1f, 0f, 1f, 64, 0);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }
}
