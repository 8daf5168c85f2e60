package io.squall.llama;

import io.squall.model.chat.ChatMessage;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One generation: what to continue (a text prompt, chat messages rendered with the model's chat format, or token
 * ids) and how (token budget, {@link Sampling}, stop strings, logprobs, a time limit). Immutable; build with
 * {@link #prompt(String)}, {@link #chat(List)} or {@link #tokens(int[])}, then the {@link Builder}'s setters.
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.prompt("Once upon a time").maxTokens(50).stop("\n").build();
 * }</pre>
 */
public final class GenerationRequest {
    /** The default token budget. */
    public static final int DEFAULT_MAX_TOKENS = 256;
    /** The most alternatives per token that {@link Builder#logprobs} accepts (as the OpenAI API). */
    public static final int MAX_TOP_LOGPROBS = 20;

    private final String prompt;
    private final List<ChatMessage> messages;
    private final int[] tokens;
    private final int maxTokens;
    private final Sampling sampling;
    private final List<String> stop;
    private final int topLogprobs;
    private final Duration timeout;
    private final boolean ignoreEndOfGeneration;

    private GenerationRequest(Builder b) {
        this.prompt = b.prompt;
        this.messages = b.messages;
        this.tokens = b.tokens;
        this.maxTokens = b.maxTokens;
        this.sampling = b.sampling;
        this.stop = List.copyOf(b.stop);
        this.topLogprobs = b.topLogprobs;
        this.timeout = b.timeout;
        this.ignoreEndOfGeneration = b.ignoreEndOfGeneration;
    }

    /** Continue {@code text} (tokenized with BOS first; an empty text starts from BOS alone). */
    public static Builder prompt(String text) {
        Builder b = new Builder();
        b.prompt = Objects.requireNonNull(text, "prompt");
        return b;
    }

    /** Reply to a conversation, rendered with the model's chat format (see {@link Llama#chatFormat()}). */
    public static Builder chat(List<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages: a chat needs at least one message");
        }
        Builder b = new Builder();
        b.messages = List.copyOf(messages);
        return b;
    }

    /** Continue these token ids exactly (no BOS added). */
    public static Builder tokens(int[] ids) {
        Objects.requireNonNull(ids, "tokens");
        if (ids.length == 0) {
            throw new IllegalArgumentException("tokens: give at least one token (e.g. BOS)");
        }
        Builder b = new Builder();
        b.tokens = ids.clone();
        return b;
    }

    /** The text prompt, or null when the request is a chat or token ids. */
    public String promptText() {
        return prompt;
    }

    /** The chat messages, or null when the request is a text prompt or token ids. */
    public List<ChatMessage> messages() {
        return messages;
    }

    /** The prompt's token ids when given as ids, else null. */
    public int[] promptTokens() {
        return tokens == null ? null : tokens.clone();
    }

    /** The most tokens to generate (generation also stops at an end-of-generation token, a stop string or a full window). */
    public int maxTokens() {
        return maxTokens;
    }

    /** How tokens are chosen. */
    public Sampling sampling() {
        return sampling;
    }

    /** Strings that end the generation when it produces one (not included in the text). */
    public List<String> stop() {
        return stop;
    }

    /** Alternatives reported per generated token; -1 when no logprobs are wanted. */
    public int topLogprobs() {
        return topLogprobs;
    }

    /** The longest a generation may take, waiting in the queue included; null for no limit. */
    public Duration timeout() {
        return timeout;
    }

    /** Whether end-of-generation tokens are never chosen (the generation runs to its budget, as llama.cpp's ignore_eos). */
    public boolean ignoreEndOfGeneration() {
        return ignoreEndOfGeneration;
    }

    /** Sets what a {@link GenerationRequest} holds besides its prompt; each setter checks its value and names it. */
    public static final class Builder {
        private String prompt;
        private List<ChatMessage> messages;
        private int[] tokens;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Sampling sampling = Sampling.defaults();
        private List<String> stop = List.of();
        private int topLogprobs = -1;
        private Duration timeout;
        private boolean ignoreEndOfGeneration;

        private Builder() {}

        /** Replaces the prompt by chat messages (a conversation's next turn). */
        Builder messages(List<ChatMessage> conversation) {
            prompt = null;
            tokens = null;
            messages = List.copyOf(conversation);
            return this;
        }

        /** The most tokens to generate, >= 0 (default {@value GenerationRequest#DEFAULT_MAX_TOKENS}). */
        public Builder maxTokens(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max_tokens must be >= 0, got " + n);
            }
            maxTokens = n;
            return this;
        }

        /** How tokens are chosen (default {@link Sampling#defaults()}). */
        public Builder sampling(Sampling s) {
            sampling = Objects.requireNonNull(s, "sampling");
            return this;
        }

        /** Stop strings (non-empty); the generation ends before the first one it produces. */
        public Builder stop(String... strings) {
            return stop(List.of(strings));
        }

        /** Stop strings (non-empty); the generation ends before the first one it produces. */
        public Builder stop(List<String> strings) {
            for (int i = 0; i < strings.size(); i++) {
                if (strings.get(i) == null || strings.get(i).isEmpty()) {
                    throw new IllegalArgumentException("stop[" + i + "] must be a non-empty string");
                }
            }
            stop = List.copyOf(strings);
            return this;
        }

        /** Report each generated token's log-probability and the {@code top} most likely alternatives (0..20). */
        public Builder logprobs(int top) {
            if (top < 0 || top > MAX_TOP_LOGPROBS) {
                throw new IllegalArgumentException("top_logprobs must be in 0.." + MAX_TOP_LOGPROBS + ", got " + top);
            }
            topLogprobs = top;
            return this;
        }

        /** The longest the generation may take, queue time included (positive); it then ends with {@link FinishReason#TIMEOUT}. */
        public Builder timeout(Duration limit) {
            if (limit != null && (limit.isNegative() || limit.isZero())) {
                throw new IllegalArgumentException("timeout must be positive, got " + limit);
            }
            timeout = limit;
            return this;
        }

        /** Never choose an end-of-generation token: generate until the budget, a stop string or a full window. */
        public Builder ignoreEndOfGeneration(boolean ignore) {
            ignoreEndOfGeneration = ignore;
            return this;
        }

        /** The request. */
        public GenerationRequest build() {
            return new GenerationRequest(this);
        }
    }
}
