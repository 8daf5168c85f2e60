package io.squall.model.generate;

import io.squall.model.chat.ChatMessage;
import io.squall.model.chat.ChatTemplate;
import io.squall.model.sampling.Sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A multi-turn chat over one {@link Generator}. Each turn renders the whole conversation with the chat template;
 * the generator reuses the cached prefix, so only the new turn runs. When the conversation plus the reply budget
 * no longer fits the window, the oldest turns are dropped ({@link ChatTemplate#fit}: the system message is kept).
 */
public final class ChatSession {
    private final Generator generator;
    private final ChatTemplate template;
    private final List<ChatMessage> messages = new ArrayList<>();
    private int droppedMessages;

    public ChatSession(Generator generator, ChatTemplate template, String systemPrompt) {
        this.generator = generator;
        this.template = template;
        if (systemPrompt != null && !systemPrompt.isEmpty()) {
            messages.add(new ChatMessage("system", systemPrompt));
        }
    }

    /** The conversation so far (system first when given). */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** How many old messages were dropped to stay within the window. */
    public int droppedMessages() {
        return droppedMessages;
    }

    /**
     * Sends a user message and generates the reply (at most {@code maxTokens}), streaming it to {@code onText}.
     *
     * @throws IllegalArgumentException when even the system message and this message alone do not fit
     */
    public GenerationResult send(String userText, int maxTokens, Sampler sampler, int topLogprobs, Consumer<String> onText) {
        messages.add(new ChatMessage("user", userText));
        int window = generator.engine().contextSize();
        int reserve = Math.min(maxTokens, window / 2);   // room kept for the reply
        List<ChatMessage> kept;
        try {
            kept = template.fit(messages, window - reserve, true);
        } catch (IllegalArgumentException e) {
            messages.removeLast();
            throw e;
        }
        droppedMessages += messages.size() - kept.size();
        messages.clear();
        messages.addAll(kept);
        int[] prompt = template.encode(messages, true);
        GenerationResult result = generator.generate(prompt, Math.min(maxTokens, window - prompt.length), sampler, topLogprobs, onText);
        messages.add(new ChatMessage("assistant", result.text()));
        return result;
    }
}
