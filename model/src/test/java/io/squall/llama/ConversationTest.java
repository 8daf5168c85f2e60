package io.squall.llama;

import io.squall.model.chat.ChatMessage;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-turn chat on the embedded model with the Llama 2 template: context kept within a small window. */
class ConversationTest {

    static Llama load(int window) throws IOException {
        return Llama.load(
                TestModels.stories(),
                Llama.Options.builder()
                        .contextSize(window)
                        .chatTemplate("llama2")
                        .build());
    }

    @Test
    void turnsReuseTheCacheAndOldTurnsAreDroppedToFitTheWindow() throws IOException {
        int window = 160, maxTokens = 24;
        try (Llama llama = load(window)) {
            Conversation chat = llama.conversation("Tell short stories.")
                    .maxTokens(maxTokens)
                    .sampling(Sampling.greedy());

            Completion first = chat.send("Tell me about a cat.");
            assertEquals(first.promptTokens(), first.promptEvaluated(), "first turn runs the whole prompt");
            List<ChatMessage> firstTurn =
                    List.of(ChatMessage.system("Tell short stories."), ChatMessage.user("Tell me about a cat."));
            assertEquals(
                    llama.countTokens(firstTurn),
                    first.promptTokens(),
                    "the prompt is the conversation rendered with the chat format");
            Completion second = chat.send("And a dog?");
            assertTrue(
                    second.promptEvaluated() < second.promptTokens() / 2,
                    "second turn reuses the cached conversation: evaluated " + second.promptEvaluated() + " of "
                            + second.promptTokens());

            for (int turn = 0; turn < 6; turn++) {
                Completion r = chat.send("Then what happened to the bird number " + turn + "?");
                assertTrue(
                        r.promptTokens() + Math.min(maxTokens, window / 2) <= window,
                        "prompt leaves room for the reply");
            }
            assertTrue(chat.droppedMessages() > 0, "old turns were dropped");
            List<ChatMessage> kept = chat.messages();
            assertEquals(ChatMessage.system("Tell short stories."), kept.getFirst(), "system message kept");
            assertEquals("user", kept.get(1).role(), "a user turn follows the system message");
            assertEquals("assistant", kept.getLast().role());
            assertEquals(
                    1 + 2 * 8 - chat.droppedMessages(),
                    kept.size(),
                    "system, then each kept turn's question and reply");
        }
    }

    @Test
    void aMessageTooLongForTheWindowIsAClearError() throws IOException {
        try (Llama llama = load(64)) {
            Conversation chat = llama.conversation(null).maxTokens(16).sampling(Sampling.greedy());
            var e = assertThrows(IllegalArgumentException.class, () -> chat.send("word ".repeat(200)));
            assertTrue(e.getMessage().contains("tokens"), e.getMessage());
            assertTrue(chat.messages().isEmpty(), "the rejected message is not kept");
        }
    }
}
