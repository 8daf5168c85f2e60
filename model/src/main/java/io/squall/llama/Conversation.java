package io.squall.llama;

import io.squall.model.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-turn chat. Each turn renders the whole conversation with the model's chat format; the slot that ran the
 * previous turn still holds it in its cache, so only the new turn runs. When the conversation plus the reply budget
 * no longer fits the window, the oldest turns are dropped (a leading system message is kept). Not thread-safe: one
 * conversation is one thread's dialogue (several conversations may run at once on one {@link Llama}).
 */
public final class Conversation {
    private final Llama llama;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final GenerationRequest.Builder settings = GenerationRequest.chat(List.of(ChatMessage.user("")));
    private int maxTokens = GenerationRequest.DEFAULT_MAX_TOKENS;
    private int droppedMessages;

    Conversation(Llama llama, String systemMessage) {
        this.llama = llama;
        if (systemMessage != null && !systemMessage.isEmpty()) {
            messages.add(ChatMessage.system(systemMessage));
        }
    }

    /** The conversation so far (system message first when given). */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** How many old messages were dropped to stay within the window. */
    public int droppedMessages() {
        return droppedMessages;
    }

    /** The token budget of each reply (default {@value GenerationRequest#DEFAULT_MAX_TOKENS}). */
    public Conversation maxTokens(int n) {
        settings.maxTokens(n);
        maxTokens = n;
        return this;
    }

    /** How reply tokens are chosen (default {@link Sampling#defaults()}). */
    public Conversation sampling(Sampling s) {
        settings.sampling(s);
        return this;
    }

    /** Stop strings for each reply. */
    public Conversation stop(String... strings) {
        settings.stop(strings);
        return this;
    }

    /** Report logprobs with {@code top} alternatives (0..20) for each reply token. */
    public Conversation logprobs(int top) {
        settings.logprobs(top);
        return this;
    }

    /** Sends a user message and returns the reply. */
    public Completion send(String userMessage) {
        return send(userMessage, null);
    }

    /**
     * Sends a user message and generates the reply, streaming it to {@code listener} (may be null; returning false
     * cancels). The reply joins the conversation.
     *
     * @throws IllegalArgumentException when even the system message and this message alone do not fit
     */
    public Completion send(String userMessage, TextListener listener) {
        messages.add(ChatMessage.user(userMessage));
        int window = llama.contextSize();
        int reserve = Math.min(maxTokens, window / 2); // room kept for the reply
        List<ChatMessage> kept;
        try {
            kept = llama.chatFormat().fit(messages, window - reserve, true);
        } catch (IllegalArgumentException e) {
            messages.removeLast();
            throw e;
        }
        droppedMessages += messages.size() - kept.size();
        messages.clear();
        messages.addAll(kept);
        Completion c = llama.generate(settings.messages(messages).build(), listener);
        messages.add(ChatMessage.assistant(c.text()));
        return c;
    }
}
