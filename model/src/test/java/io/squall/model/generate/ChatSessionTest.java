package io.squall.model.generate;

import io.squall.model.chat.ChatMessage;
import io.squall.model.chat.ChatTemplate;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import io.squall.model.sampling.Sampler;
import io.squall.model.sampling.SamplerSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-turn chat on the embedded model with the Llama 2 template: context kept within a small window. */
class ChatSessionTest {

    @Test
    void turnsReuseTheCacheAndOldTurnsAreDroppedToFitTheWindow() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            int window = 160, maxTokens = 24;
            Generator generator = new Generator(new CpuEngine(model, window));
            ChatTemplate template = ChatTemplate.forModel(model.gguf(), model.tokenizer(), "llama2");
            ChatSession chat = new ChatSession(generator, template, "Tell short stories.");
            Sampler sampler = new Sampler(SamplerSettings.greedy(), model.config().vocabSize());

            GenerationResult first = chat.send("Tell me about a cat.", maxTokens, sampler, -1, null);
            assertEquals(first.promptTokens(), first.promptEvaluated(), "first turn runs the whole prompt");
            GenerationResult second = chat.send("And a dog?", maxTokens, sampler, -1, null);
            assertTrue(second.promptEvaluated() < second.promptTokens() / 2,
                    "second turn reuses the cached conversation: evaluated " + second.promptEvaluated() + " of " + second.promptTokens());

            for (int turn = 0; turn < 6; turn++) {
                GenerationResult r = chat.send("Then what happened to the bird number " + turn + "?", maxTokens, sampler, -1, null);
                assertTrue(r.promptTokens() + Math.min(maxTokens, window / 2) <= window, "prompt leaves room for the reply");
            }
            assertTrue(chat.droppedMessages() > 0, "old turns were dropped");
            List<ChatMessage> kept = chat.messages();
            assertEquals(new ChatMessage("system", "Tell short stories."), kept.getFirst(), "system message kept");
            assertEquals("user", kept.get(1).role(), "a user turn follows the system message");
            assertEquals("assistant", kept.getLast().role());
        }
    }

    @Test
    void aMessageTooLongForTheWindowIsAClearError() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            Generator generator = new Generator(new CpuEngine(model, 64));
            ChatSession chat = new ChatSession(generator, ChatTemplate.forModel(model.gguf(), model.tokenizer(), "llama2"), null);
            Sampler sampler = new Sampler(SamplerSettings.greedy(), model.config().vocabSize());
            var e = assertThrows(IllegalArgumentException.class, () -> chat.send("word ".repeat(200), 16, sampler, -1, null));
            assertTrue(e.getMessage().contains("tokens"), e.getMessage());
            assertTrue(chat.messages().isEmpty(), "the rejected message is not kept");
        }
    }
}
