package io.squall.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.squall.llama.Completion;
import io.squall.llama.Generation;
import io.squall.llama.Llama;

/**
 * A LangChain4j {@link StreamingChatModel} that runs a GGUF Llama model in this JVM with Squall. {@link #chat} returns
 * at once; the handler receives the reply's pieces, then the complete response, on a virtual thread. A handler can
 * stop the generation with {@code context.streamingHandle().cancel()}.
 * <pre>{@code
 * SquallStreamingChatModel model = SquallStreamingChatModel.builder().modelPath(Path.of("model.gguf")).maxTokens(100).build();
 * model.chat("Hello", handler);
 * }</pre>
 */
public final class SquallStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private final SquallModels.Settings settings;

    private SquallStreamingChatModel(SquallModels.Settings settings) {
        this.settings = settings;
    }

    /** A builder; {@code modelPath} (or {@code llama}) is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The loaded model this chat model runs. */
    public Llama llama() {
        return settings.llama();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Generation g;
        try {
            g = settings.llama().submit(SquallModels.request(settings, request));
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        StreamingHandle handle = new StreamingHandle() {
            @Override
            public void cancel() {
                cancelled.set(true);
                g.cancel();
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        Thread.ofVirtual().name("squall-langchain4j-stream").start(() -> {
            try {
                PartialResponseContext context = new PartialResponseContext(handle);
                String piece;
                while ((piece = g.nextText()) != null) {
                    handler.onPartialResponse(new PartialResponse(piece), context);
                }
                Completion c = g.await();
                handler.onCompleteResponse(SquallModels.response(settings, c));
            } catch (InterruptedException e) {
                g.cancel();
                handler.onError(e);
            } catch (RuntimeException e) {
                g.cancel();
                handler.onError(e);
            }
        });
    }

    /** Closes the model if this chat model loaded it (not one given with {@code llama(...)}). */
    @Override
    public void close() {
        if (settings.ownsModel()) {
            settings.llama().close();
        }
    }

    /** Builds a {@link SquallStreamingChatModel}; the same settings as {@link SquallChatModel.Builder}. */
    public static final class Builder extends SquallChatModel.BuilderBase<Builder> {
        private Builder() {}

        /** Loads the model (or takes the shared one) and returns the streaming chat model. */
        public SquallStreamingChatModel build() {
            return new SquallStreamingChatModel(settings());
        }
    }
}
