package io.squall.llama;

import io.squall.device.placement.Stage;
import io.squall.model.accel.AcceleratedEngine;
import io.squall.model.accel.Engines;
import io.squall.model.chat.ChatFormat;
import io.squall.model.chat.ChatMessage;
import io.squall.model.chat.ChatTemplate;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaConfig;
import io.squall.model.llama.LlamaModel;
import io.squall.model.tensor.Threads;
import io.squall.model.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A loaded Llama model, ready to generate: the entry point of Squall's inference API.
 * <pre>{@code
 * try (Llama llama = Llama.load(Path.of("model.gguf"), Llama.Options.builder().contextSize(2048).build())) {
 *     Completion c = llama.generate(GenerationRequest.prompt("Once upon a time").maxTokens(50).build());
 *     System.out.println(c.text());
 * }
 * }</pre>
 * One instance serves several generations at once ({@link Options.Builder#parallel}): the weights are shared, each
 * running sequence has its own key/value cache (a slot), and on the CPU engine the running sequences decode
 * together, one batched step per token. Requests beyond the slots wait in a bounded queue. Every method is
 * thread-safe. Close it to stop the decode thread and unmap the file.
 */
public final class Llama implements AutoCloseable {
    /** The context window used when none is given, if the model allows that much. */
    public static final int DEFAULT_MAX_CONTEXT = 4096;

    private final Path path;
    private final LlamaModel model;
    private final ChatFormat chatFormat;
    private final int contextSize;
    private final Slot[] slots;
    private final Scheduler scheduler;
    private final String engineDescription;
    private final boolean ownsEngines; // false for onEngine: the caller closes its engine and model

    private Llama(
            Path path,
            LlamaModel model,
            ChatFormat chatFormat,
            int contextSize,
            Slot[] slots,
            int maxQueued,
            String engineDescription,
            boolean ownsEngines) {
        this.path = path;
        this.model = model;
        this.chatFormat = chatFormat;
        this.contextSize = contextSize;
        this.slots = slots;
        this.engineDescription = engineDescription;
        this.ownsEngines = ownsEngines;
        this.scheduler = new Scheduler(slots, maxQueued);
    }

    /** Loads a model with the default {@link Options} (CPU engine, one sequence at a time). */
    public static Llama load(Path model) throws IOException {
        return load(model, Options.builder().build());
    }

    /**
     * Loads a GGUF model (Llama 1, 2, 3, 3.1, 3.2) and prepares its engines.
     *
     * @throws IOException              the file cannot be read
     * @throws IllegalArgumentException the file is not a usable model, or an option does not fit it (the message says which)
     */
    public static Llama load(Path model, Options options) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (!Files.isRegularFile(model)) {
            throw new IOException("model file not found: " + model);
        }
        if (options.threads() > 0 && options.threads() != Threads.count()) {
            Threads.resize(options.threads());
        }
        Consumer<String> progress = options.progress() != null ? options.progress() : s -> {};
        LlamaModel m = LlamaModel.load(model, progress, (gguf, c) -> startEarly(gguf, c, options));
        Slot[] slots = new Slot[options.parallel()];
        try {
            int window = window(m.config(), options);
            if (window > m.config().contextLength()) {
                throw new IllegalArgumentException("context size " + window
                        + " (--ctx-size, Options.contextSize) is beyond the model's context_length "
                        + m.config().contextLength());
            }
            ChatFormat format = options.chatFormat() != null
                    ? options.chatFormat()
                    : ChatTemplate.forModel(m.gguf(), m.tokenizer(), options.chatTemplate());
            InferenceEngine first = Engines.create(m, window, options.device(), progress);
            slots[0] = new Slot(first);
            if (options.parallel() > 1 && !(first instanceof CpuEngine)) {
                first.close();
                throw new IllegalArgumentException(
                        "parallel " + options.parallel() + " needs the CPU engine (device cpu); device '"
                                + options.device() + "' runs one sequence at a time");
            }
            for (int i = 1; i < slots.length; i++) {
                slots[i] = new Slot(new CpuEngine(m, window));
            }
            return new Llama(model, m, format, window, slots, options.maxQueued(), Engines.describe(first), true);
        } catch (RuntimeException | Error e) {
            for (Slot s : slots) {
                if (s != null) {
                    s.engine.close();
                }
            }
            m.close();
            throw e;
        }
    }

    private static int window(LlamaConfig c, Options options) {
        return options.contextSize() > 0 ? options.contextSize() : Math.min(c.contextLength(), DEFAULT_MAX_CONTEXT);
    }

    /**
     * What starts as soon as the model's configuration is read, beside the rest of the load: the device kernels'
     * compiles for a --device other than cpu (AcceleratedEngine.precompileAhead), else the CPU kernels' warm-up.
     */
    private static void startEarly(GGUFFile gguf, LlamaConfig c, Options options) {
        int window = window(c, options);
        if (window > c.contextLength()) {
            return; // the load reports it
        }
        if (Stage.CPU.equals(options.device())
                || AcceleratedEngine.precompileAhead(gguf, c, window, options.device()) == null) {
            LlamaModel.warmUpCpuKernels(gguf, c);
        }
    }

    /**
     * Generates on an engine the caller built (one sequence at a time, its whole window): an engine placed by hand,
     * or one wrapped to observe or change what it does. Prompts are rendered with the model's own chat template. The
     * caller keeps the engine and its model: closing the returned Llama stops its decode thread and nothing else; the
     * engine must not be used elsewhere while a generation runs on it.
     */
    public static Llama onEngine(InferenceEngine engine) {
        Objects.requireNonNull(engine, "engine");
        LlamaModel m = engine.model();
        String description = engine instanceof CpuEngine || engine instanceof AcceleratedEngine
                ? Engines.describe(engine)
                : engine.getClass().getName();
        return new Llama(
                m.gguf().path(),
                m,
                ChatTemplate.forModel(m.gguf(), m.tokenizer(), null),
                engine.contextSize(),
                new Slot[] {new Slot(engine)},
                Options.builder().build().maxQueued(),
                description,
                false);
    }

    /** The model file (null for a model not read from a file). */
    public Path path() {
        return path;
    }

    /** The model's name: {@code general.name} from the file, else the file name. */
    public String name() {
        GGUFFile f = model.gguf();
        return f.getString("general.name", path != null ? path.getFileName().toString() : "model");
    }

    /** Tokens per sequence: prompt plus generated text must fit in it. */
    public int contextSize() {
        return contextSize;
    }

    /** How many sequences can decode at the same time. */
    public int parallel() {
        return slots.length;
    }

    /** Generations waiting for a free slot now. */
    public int queued() {
        return scheduler.queued();
    }

    /** Generations running now. */
    public int active() {
        return scheduler.active();
    }

    /** Where the layers run, for logs (e.g. {@code cpu, 4 threads}). */
    public String engineDescription() {
        return engineDescription;
    }

    /** How chat messages become a prompt (from the file's {@code tokenizer.chat_template}, or the one chosen in the options). */
    public ChatFormat chatFormat() {
        return chatFormat;
    }

    /** The model's tokenizer. */
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    /** The underlying model (configuration, weights, GGUF metadata), for uses beyond this API. */
    public LlamaModel model() {
        return model;
    }

    /** Tokens of {@code text} as a prompt (BOS included). */
    public int countTokens(String text) {
        return tokenize(text).length;
    }

    /** Tokens of a chat prompt: the rendered conversation and the assistant header that starts the reply. */
    public int countTokens(List<ChatMessage> messages) {
        return chatFormat.encode(messages, true).length;
    }

    /** The token ids of {@code text} as a prompt: BOS first, special-token markup treated as plain text. */
    public int[] tokenize(String text) {
        return model.tokenizer().encode(text, true, false);
    }

    /** The text of token ids (control tokens add nothing). */
    public String detokenize(int[] tokens) {
        return model.tokenizer().decode(tokens);
    }

    /** The token ids a request's prompt runs as. */
    public int[] promptTokens(GenerationRequest request) {
        if (request.promptTokens() != null) {
            int[] ids = request.promptTokens();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= model.config().vocabSize()) {
                    throw new IllegalArgumentException("tokens[" + i + "] = " + ids[i]
                            + " is outside the vocabulary 0.." + (model.config().vocabSize() - 1));
                }
            }
            return ids;
        }
        if (request.messages() != null) {
            return chatFormat.encode(request.messages(), true);
        }
        String p = request.promptText();
        return p.isEmpty() ? new int[] {model.tokenizer().bos()} : tokenize(p);
    }

    /**
     * Starts a generation and returns at once; it runs when a slot is free, together with the others.
     *
     * @throws ContextWindowExceededException the prompt does not fit the context window
     * @throws QueueFullException             every slot is busy and the queue is full
     */
    public Generation submit(GenerationRequest request) {
        int[] prompt = promptTokens(request);
        if (prompt.length > contextSize) {
            throw new ContextWindowExceededException(
                    prompt.length, contextSize, model.config().contextLength());
        }
        Generation g = new Generation(request, prompt);
        scheduler.submit(g);
        return g;
    }

    /** Generates and waits for the result. */
    public Completion generate(GenerationRequest request) {
        return generate(request, null);
    }

    /**
     * Generates, streaming the text to {@code listener} on the calling thread as it is produced; the listener can
     * cancel by returning false. Returns the completion (text, tokens, finish reason, logprobs, timings).
     *
     * @throws ContextWindowExceededException the prompt does not fit the context window
     * @throws QueueFullException             every slot is busy and the queue is full
     */
    public Completion generate(GenerationRequest request, TextListener listener) {
        Generation g = submit(request);
        try {
            String piece;
            while ((piece = g.nextText()) != null) {
                if (listener != null && !listener.onText(piece)) {
                    g.cancel();
                }
            }
            return g.await();
        } catch (InterruptedException e) {
            g.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating", e);
        } catch (RuntimeException e) {
            g.cancel();
            throw e;
        }
    }

    /** A multi-turn chat with an optional system message (null or empty for none). */
    public Conversation conversation(String systemMessage) {
        return new Conversation(this, systemMessage);
    }

    /**
     * Stops the decode thread (running generations fail), frees the engines and unmaps the file (the last two not
     * for {@link #onEngine}, whose caller keeps them).
     */
    @Override
    public void close() {
        scheduler.close();
        if (!ownsEngines) {
            return;
        }
        for (Slot s : slots) {
            s.engine.close();
        }
        model.close();
    }

    /**
     * How to load a model. Build with {@link #builder()}; every setter checks its value and names it.
     *
     * @param device       {@code cpu} (default), a device id ({@code opencl:0}, {@code ptx:0}, {@code jvm}), a comma-separated
     *                     list splitting the layers, {@code auto}, or the path of a devices.json file
     * @param contextSize  tokens per sequence; 0 for the model's context_length capped at {@value Llama#DEFAULT_MAX_CONTEXT}
     * @param threads      CPU threads (process-wide: the CPU engine has one pool); 0 keeps the current count
     * @param parallel     sequences that decode together, each with its own cache (CPU engine only above 1)
     * @param maxQueued    generations that may wait for a slot before {@link QueueFullException}
     * @param chatTemplate {@code llama2} or {@code llama3} to override the file's template; null to detect it
     * @param chatFormat   a custom chat format (overrides chatTemplate); null for none
     * @param progress     receives loading steps (may be null)
     */
    public record Options(
            String device,
            int contextSize,
            int threads,
            int parallel,
            int maxQueued,
            String chatTemplate,
            ChatFormat chatFormat,
            Consumer<String> progress) {

        /** A builder with the defaults: CPU engine, the model's window (at most 4096), all processors, one sequence. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Options}. */
        public static final class Builder {
            private String device = "cpu";
            private int contextSize;
            private int threads;
            private int parallel = 1;
            private int maxQueued = 64;
            private String chatTemplate;
            private ChatFormat chatFormat;
            private Consumer<String> progress;

            private Builder() {}

            /** {@code cpu}, a device id, a comma-separated list of ids, or {@code auto}. */
            public Builder device(String id) {
                Objects.requireNonNull(id, "device");
                if (id.isBlank()) {
                    throw new IllegalArgumentException(
                            "device must not be blank (cpu, a device id, a list, auto or a devices.json path)");
                }
                device = id;
                return this;
            }

            /** Place the model by a devices.json file (see the README's devices.json section). */
            public Builder devicesJson(Path file) {
                device = file.toString();
                return this;
            }

            /** Tokens per sequence (>= 1, at most the model's context_length). */
            public Builder contextSize(int tokens) {
                if (tokens < 1) {
                    throw new IllegalArgumentException("contextSize must be >= 1, got " + tokens);
                }
                contextSize = tokens;
                return this;
            }

            /** CPU threads (>= 1); process-wide. */
            public Builder threads(int n) {
                if (n < 1) {
                    throw new IllegalArgumentException("threads must be >= 1, got " + n);
                }
                threads = n;
                return this;
            }

            /** Sequences decoding together (1..64). */
            public Builder parallel(int n) {
                if (n < 1 || n > 64) {
                    throw new IllegalArgumentException("parallel must be in 1..64, got " + n);
                }
                parallel = n;
                return this;
            }

            /** Generations that may wait for a slot (>= 0). */
            public Builder maxQueued(int n) {
                if (n < 0) {
                    throw new IllegalArgumentException("maxQueued must be >= 0, got " + n);
                }
                maxQueued = n;
                return this;
            }

            /** {@code llama2} or {@code llama3}, overriding what the file's {@code tokenizer.chat_template} says. */
            public Builder chatTemplate(String name) {
                if (name != null && !name.equals(ChatTemplate.LLAMA2) && !name.equals(ChatTemplate.LLAMA3)) {
                    throw new IllegalArgumentException("chatTemplate must be llama2 or llama3, got " + name);
                }
                chatTemplate = name;
                return this;
            }

            /** A custom chat format (e.g. a renderer of the file's Jinja template). */
            public Builder chatFormat(ChatFormat format) {
                chatFormat = format;
                return this;
            }

            /** Receives loading steps, e.g. for a log. */
            public Builder progress(Consumer<String> listener) {
                progress = listener;
                return this;
            }

            /** The options. */
            public Options build() {
                return new Options(
                        device, contextSize, threads, parallel, maxQueued, chatTemplate, chatFormat, progress);
            }
        }
    }
}
