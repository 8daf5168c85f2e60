package io.squall.llama;

import java.util.List;

/**
 * A generated token's log-probability under the model (log-softmax of the raw logits, before any sampling
 * adjustment) and the most likely alternatives at that step, as in the OpenAI API's logprobs.
 *
 * @param token   the token id
 * @param text    the token's text (its bytes as UTF-8; part of a split character shows as U+FFFD)
 * @param bytes   the token's bytes
 * @param logprob natural-log probability
 * @param top     the most likely tokens at this step, most likely first
 */
public record TokenLogprob(int token, String text, byte[] bytes, double logprob, List<Alternative> top) {

    /** One of the most likely tokens at a step. */
    public record Alternative(int token, String text, byte[] bytes, double logprob) {}
}
