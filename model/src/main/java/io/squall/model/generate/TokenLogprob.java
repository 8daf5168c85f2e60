package io.squall.model.generate;

import java.util.List;

/**
 * A generated token's log-probability under the model (log-softmax of the raw logits, before sampling
 * adjustments) and the most likely alternatives at that step, as in the OpenAI API's logprobs.
 */
public record TokenLogprob(int token, String text, double logprob, List<Alternative> top) {

    /** One of the most likely tokens at a step. */
    public record Alternative(int token, String text, double logprob) {
    }
}
