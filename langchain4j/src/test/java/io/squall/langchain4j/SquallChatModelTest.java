package io.squall.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.squall.llama.Completion;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Sampling;
import io.squall.model.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both chat models driven through LangChain4j's own interfaces on the embedded model. */
class SquallChatModelTest {
    static SquallChatModel chat;
    static SquallStreamingChatModel streaming;

    static Path stories() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Assumptions.assumeTrue(false, "models/stories260K.gguf not found");
        return null;
    }

    @BeforeAll
    static void load() {
        chat = SquallChatModel.builder()
                .modelPath(stories())
                .device("cpu")
                .temperature(0.0)
                .maxTokens(30)
                .build();
        streaming = SquallStreamingChatModel.builder()
                .llama(chat.llama())
                .temperature(0.0)
                .maxTokens(30)
                .build();
    }

    @AfterAll
    static void close() {
        if (streaming != null) {
            streaming.close();
        }
        if (chat != null) {
            chat.close();
        }
    }

    /** A handler whose {@link #done} completes with the response or the error; each test adds what it does with the pieces. */
    abstract static class Awaiting implements StreamingChatResponseHandler {
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    static String greedy(List<ChatMessage> messages, int maxTokens) {
        return chat.llama()
                .generate(GenerationRequest.chat(messages)
                        .maxTokens(maxTokens)
                        .sampling(Sampling.greedy())
                        .build())
                .text();
    }

    @Test
    void chatStringIsTheGreedyReply() {
        ChatModel model = chat;
        assertEquals(greedy(List.of(ChatMessage.user("Once upon a time")), 30), model.chat("Once upon a time"));
    }

    @Test
    void chatRequestParametersOverrideTheBuilderAndUsageIsReported() {
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from("Tell a story."), UserMessage.from("The dog"))
                .maxOutputTokens(5)
                .build();
        ChatResponse r = chat.chat(request);
        List<ChatMessage> messages = List.of(ChatMessage.system("Tell a story."), ChatMessage.user("The dog"));
        Completion want = chat.llama()
                .generate(GenerationRequest.chat(messages)
                        .maxTokens(5)
                        .sampling(Sampling.greedy())
                        .build());
        assertEquals(want.text(), r.aiMessage().text());
        assertEquals(want.completionTokens(), r.tokenUsage().outputTokenCount());
        assertEquals(chat.llama().countTokens(messages), r.tokenUsage().inputTokenCount());
        assertEquals(
                want.finishReason() == io.squall.llama.FinishReason.LENGTH ? FinishReason.LENGTH : FinishReason.STOP,
                r.finishReason());
    }

    @Test
    void streamingHandlerGetsPiecesThenTheCompleteResponse() throws Exception {
        StreamingChatModel model = streaming;
        StringBuilder pieces = new StringBuilder();
        Awaiting handler = new Awaiting() {
            @Override
            public void onPartialResponse(String partialResponse) {
                pieces.append(partialResponse);
            }
        };
        model.chat("Once upon a time", handler);
        ChatResponse r = handler.done.get(2, TimeUnit.MINUTES);
        assertEquals(
                greedy(List.of(ChatMessage.user("Once upon a time")), 30),
                r.aiMessage().text());
        assertEquals(r.aiMessage().text(), pieces.toString());
    }

    @Test
    void aHandlerCanCancelThroughItsStreamingHandle() throws Exception {
        int[] count = {0};
        Awaiting handler = new Awaiting() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                if (++count[0] == 2) {
                    context.streamingHandle().cancel();
                }
            }
        };
        streaming.chat(
                ChatRequest.builder()
                        .messages(UserMessage.from("Once upon a time"))
                        .maxOutputTokens(200)
                        .build(),
                handler);
        ChatResponse r = handler.done.get(2, TimeUnit.MINUTES);
        int natural = chat.llama()
                .generate(GenerationRequest.chat(List.of(ChatMessage.user("Once upon a time")))
                        .maxTokens(200)
                        .sampling(Sampling.greedy())
                        .build())
                .completionTokens();
        assertTrue(natural > 10, "the uncancelled reply is long enough to tell: " + natural);
        assertTrue(
                r.tokenUsage().outputTokenCount() < natural, "cancelled early: " + r.tokenUsage() + " vs " + natural);
    }

    @Test
    void toolsAndMissingModelAreClearErrors() {
        ChatRequest withTools = ChatRequest.builder()
                .messages(UserMessage.from("Hi"))
                .toolSpecifications(ToolSpecification.builder()
                        .name("clock")
                        .description("time")
                        .build())
                .build();
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(withTools));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SquallChatModel.builder().build());
        assertTrue(e.getMessage().contains("modelPath"), e.getMessage());
    }
}
