package io.squall.model.chat;

import java.util.List;

/**
 * How a conversation becomes a prompt: the seam between the inference API ({@code io.squall.llama}) and whatever
 * renders chat templates. {@link ChatTemplate} implements it for the Llama 2 and Llama 3 formats; a renderer of a
 * GGUF file's own {@code tokenizer.chat_template} plugs in here too ({@code Llama.Options.Builder#chatFormat}).
 */
public interface ChatFormat {
    /** A short name for logs and errors, e.g. {@code llama3}. */
    String name();

    /** The prompt text of {@code messages}; with {@code addGenerationPrompt}, ending where the assistant's reply starts. */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** The prompt's token ids (BOS included where the format has it); special tokens are parsed in markup only. */
    int[] encode(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * The most recent part of the conversation whose encoding fits {@code maxTokens}: a leading system message and the
     * last message are kept, the oldest other turns dropped. Throws {@link IllegalArgumentException} if even those two
     * do not fit.
     */
    List<ChatMessage> fit(List<ChatMessage> messages, int maxTokens, boolean addGenerationPrompt);
}
