package io.squall.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.squall.llama.Llama;

import java.nio.file.Path;
import java.util.List;

/**
 * A LangChain4j {@link ChatModel} that runs a GGUF Llama model in this JVM with Squall.
 * <pre>{@code
 * SquallChatModel model = SquallChatModel.builder().modelPath(Path.of("model.gguf")).device("cpu")
 *         .temperature(0.0).maxTokens(100).build();
 * String answer = model.chat("Hello");
 * }</pre>
 * Request parameters (temperature, top-p, top-k, max output tokens, stop sequences) override the builder's.
 * Tools and JSON response formats are not supported. Thread-safe; {@link #close()} frees a model it loaded.
 */
public final class SquallChatModel implements ChatModel, AutoCloseable {
    private final SquallModels.Settings settings;

    private SquallChatModel(SquallModels.Settings settings) {
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
    public ChatResponse doChat(ChatRequest request) {
        return SquallModels.response(settings, settings.llama().generate(SquallModels.request(settings, request)));
    }

    /** Closes the model if this chat model loaded it (not one given with {@link Builder#llama}). */
    @Override
    public void close() {
        if (settings.ownsModel()) {
            settings.llama().close();
        }
    }

    /** Builds a {@link SquallChatModel}; unset values take the defaults of {@link io.squall.llama.Sampling} and {@link Llama.Options}. */
    public static final class Builder extends BuilderBase<Builder> {
        private Builder() {}

        /** Loads the model (or takes the shared one) and returns the chat model. */
        public SquallChatModel build() {
            return new SquallChatModel(settings());
        }
    }

    /** The settings both chat models' builders take. */
    public abstract static class BuilderBase<B extends BuilderBase<B>> {
        private Llama llama;
        private Path modelPath;
        private String device;
        private Integer contextSize, threads, parallel, topK, maxTokens;
        private Double temperature, topP;
        private Long seed;
        private List<String> stop;

        BuilderBase() {}

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** The GGUF file to load. */
        public B modelPath(Path path) {
            modelPath = path;
            return self();
        }

        /** Share an already loaded model instead of loading one (it is not closed with this chat model). */
        public B llama(Llama loaded) {
            llama = loaded;
            return self();
        }

        /** {@code cpu} (default), a device id such as {@code opencl:0}, {@code auto}, or a devices.json path. */
        public B device(String id) {
            device = id;
            return self();
        }

        /** Tokens per sequence. */
        public B contextSize(Integer tokens) {
            contextSize = tokens;
            return self();
        }

        /** CPU threads (process-wide). */
        public B threads(Integer n) {
            threads = n;
            return self();
        }

        /** Sequences that decode together (concurrent calls on the CPU engine). */
        public B parallel(Integer n) {
            parallel = n;
            return self();
        }

        /** Sampling temperature; 0 is greedy. */
        public B temperature(Double t) {
            temperature = t;
            return self();
        }

        /** Top-p (nucleus) sampling. */
        public B topP(Double p) {
            topP = p;
            return self();
        }

        /** Top-k sampling. */
        public B topK(Integer k) {
            topK = k;
            return self();
        }

        /** The most tokens per reply. */
        public B maxTokens(Integer n) {
            maxTokens = n;
            return self();
        }

        /** A seed for reproducible sampling. */
        public B seed(Long s) {
            seed = s;
            return self();
        }

        /** Stop sequences. */
        public B stop(List<String> sequences) {
            stop = sequences;
            return self();
        }

        SquallModels.Settings settings() {
            return SquallModels.settings(
                    llama,
                    modelPath,
                    device,
                    contextSize,
                    threads,
                    parallel,
                    temperature,
                    topP,
                    topK,
                    maxTokens,
                    seed,
                    stop);
        }
    }
}
