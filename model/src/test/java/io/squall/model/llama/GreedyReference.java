package io.squall.model.llama;

import io.squall.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Greedy generation done the plainest way, as the reference that the library's generation loop is checked against:
 * a fresh {@link CpuEngine}, one {@code forward} per token (no prefill, no cache reuse, no device shortcuts), the
 * first largest logit, a stop at an end-of-generation token or BOS, logprobs as a log-softmax in double precision,
 * and the text as what decoding the prompt plus the tokens adds to decoding the prompt alone.
 *
 * @param tokens      the generated tokens (without the one that stopped it)
 * @param text        their text after the prompt
 * @param steps       per generated token: its logprob and the most likely tokens (when asked for)
 * @param modelEnded  whether the model ended it (an end-of-generation token or BOS) rather than the budget or window
 */
public record GreedyReference(int[] tokens, String text, List<Step> steps, boolean modelEnded) {

    /** One generated token: its log-probability and the {@code top} likeliest tokens with theirs, likeliest first. */
    public record Step(int token, double logprob, int[] topIds, double[] topLogprobs) {}

    /** Generates at most {@code maxTokens} after {@code prompt} in a window of {@code window} positions. */
    public static GreedyReference run(LlamaModel model, int[] prompt, int maxTokens, int window, int top) {
        Tokenizer tok = model.tokenizer();
        CpuEngine engine = new CpuEngine(model, window);
        float[] logits = null;
        for (int i = 0; i < prompt.length; i++) {
            logits = engine.forward(prompt[i], i);
        }
        List<Step> steps = new ArrayList<>();
        boolean modelEnded = false;
        int pos = prompt.length;
        while (steps.size() < maxTokens) {
            int token = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[token]) {
                    token = i;
                }
            }
            if (tok.isEndOfGeneration(token) || token == tok.bos()) {
                modelEnded = true;
                break;
            }
            steps.add(step(logits, token, top));
            if (pos == window) {
                break; // the last token was sampled from the last position: nowhere to run it
            }
            logits = engine.forward(token, pos++);
        }
        engine.close();
        int[] tokens = steps.stream().mapToInt(Step::token).toArray();
        int[] all =
                IntStream.concat(Arrays.stream(prompt), Arrays.stream(tokens)).toArray();
        String before = tok.decode(prompt), after = tok.decode(all);
        if (!after.startsWith(before)) {
            throw new AssertionError(
                    "decoding the prompt with its continuation changed the prompt's text: " + before + " / " + after);
        }
        return new GreedyReference(tokens, after.substring(before.length()), steps, modelEnded);
    }

    /** Greedy with no logprobs. */
    public static GreedyReference run(LlamaModel model, int[] prompt, int maxTokens, int window) {
        return run(model, prompt, maxTokens, window, 0);
    }

    private static Step step(float[] logits, int token, int top) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logNormalizer = max + Math.log(sum);
        int[] topIds = IntStream.range(0, logits.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .limit(top)
                .mapToInt(Integer::intValue)
                .toArray();
        double[] topLogprobs = Arrays.stream(topIds)
                .mapToDouble(i -> logits[i] - logNormalizer)
                .toArray();
        return new Step(token, logits[token] - logNormalizer, topIds, topLogprobs);
    }
}
