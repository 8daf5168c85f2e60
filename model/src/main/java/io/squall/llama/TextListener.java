package io.squall.llama;

/** Receives generated text as it completes; returning false cancels the generation. */
@FunctionalInterface
public interface TextListener {
    /**
     * @param text the next piece (a whole number of characters, never a split UTF-8 sequence)
     * @return true to go on, false to cancel (the generation then ends with {@link FinishReason#CANCELLED})
     */
    boolean onText(String text);
}
