package io.squall.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.squall.llama.Completion;
import io.squall.llama.Conversation;
import io.squall.llama.FinishReason;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Llama;
import io.squall.llama.Sampling;
import io.squall.llama.TokenLogprob;
import io.squall.model.chat.ChatMessage;
import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.sampling.SamplerSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The {@code llama} command: text generation and chat with a GGUF Llama model on the CPU engine or any device (--device), plus model tools. */
@Command(
        name = "llama",
        mixinStandardHelpOptions = true,
        version = "llama (Squall) 0.1.0",
        description = {
            "Generates text with a Llama model (GGUF: Llama 1, 2, 3, 3.1, 3.2) on the CPU engine or on devices (--device).",
            "Without --prompt it generates from the start-of-text token; with --chat it opens an interactive chat."
        },
        subcommands = {TokenizeCommand.class, InfoCommand.class, GuardCommand.class},
        footer = {
            "",
            "Examples:",
            "  llama --prompt \"Once upon a time\"",
            "  llama --model llama-3.2-1b-q8_0.gguf --chat --system \"Be brief.\"",
            "  llama --prompt \"Hi\" --max-tokens 20 --temperature 0 --json --logprobs 3"
        })
public final class LlamaCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "GGUF model (default: the embedded stories260K model)")
    Path model;

    @Option(
            names = {"-p", "--prompt"},
            paramLabel = "TEXT",
            description = "text to continue (default: none, generate from the start-of-text token)")
    String prompt;

    @Option(names = "--chat", description = "interactive chat: one message per line, /exit or end of input quits")
    boolean chat;

    @Option(
            names = "--system",
            paramLabel = "TEXT",
            description = "system message for --chat (or a single chat turn with --prompt)")
    String system;

    @Option(
            names = {"-n", "--max-tokens"},
            paramLabel = "N",
            defaultValue = "512",
            description =
                    "most tokens to generate; stops earlier at an end-of-generation token or a full window (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            defaultValue = "0.8",
            description = "0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "40",
            description = "0 disables (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            defaultValue = "0.95",
            description = "1 disables (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(
            names = "--min-p",
            paramLabel = "P",
            defaultValue = "0.05",
            description = "0 disables (default: ${DEFAULT-VALUE})")
    float minP;

    @Option(
            names = "--repeat-penalty",
            paramLabel = "X",
            defaultValue = "1.0",
            description = "1 disables (default: ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(
            names = "--repeat-last-n",
            paramLabel = "N",
            defaultValue = "64",
            description = "tokens the penalty looks back (default: ${DEFAULT-VALUE})")
    int repeatLastN;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "random seed, for reproducible sampling (default: random)")
    Long seed;

    @Option(names = "--stream", description = "print tokens as they are generated")
    boolean stream;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            defaultValue = "cpu",
            description =
                    "where to run: cpu, a device id (opencl:0, jvm, ...; see tornado --devices), or a comma-separated list that splits the layers (default: ${DEFAULT-VALUE})")
    String device;

    @Option(
            names = "--explain-placement",
            description = "print where each part of the model would run for --device (also auto, "
                    + "or a devices.json file) and why, then exit without loading weights")
    boolean explainPlacement;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "CPU threads (default: all available processors)")
    Integer threads;

    @Option(
            names = "--ctx-size",
            paramLabel = "N",
            description = "context window in tokens (default: the model's context_length, at most 4096)")
    Integer contextSize;

    @Option(
            names = "--logprobs",
            paramLabel = "N",
            description = "log-probability of each generated token and the N most likely alternatives")
    Integer logprobs;

    @Option(names = "--json", description = "print one JSON object: token ids, text, logprobs, timings")
    boolean json;

    @Option(
            names = "--stop",
            paramLabel = "TEXT",
            description = "stop when the text produces TEXT (repeatable; not printed)")
    List<String> stop = new ArrayList<>();

    @Option(
            names = "--chat-template",
            paramLabel = "NAME",
            description =
                    "use a built-in format instead of the file's tokenizer.chat_template (rendered as Jinja): llama2 or llama3")
    String chatTemplate;

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        cl.setOut(StandardOutput.writer()); // write errors stop the work (System.out would swallow them)
        int code;
        try {
            code = cl.execute(args);
        } catch (
                OutOfMemoryError
                        e) { // a last resort: sizes are checked before allocation, so this is a bug or a tiny -Xmx
            System.err.println("llama: out of Java heap memory (" + e.getMessage() + "); give the JVM more with -Xmx");
            code = 1;
        }
        System.exit(code);
    }

    /** The command line with the model tools registered as subcommands. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LlamaCli());
        ToolCommands.register(cl);
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (StandardOutput.OutputFailedException e) { // from picocli's own --help / --version printing
                cl.getErr().println("llama: " + e.getMessage() + "; stopped");
                cl.getErr().flush();
                return 1;
            }
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof StandardOutput.OutputFailedException) {
                line.getErr().println("llama: " + e.getMessage() + "; stopped");
                line.getErr().flush();
                return 1;
            }
            line.getErr().println("llama: " + TerminalText.escapeKeepingLines(message(e)));
            if (Boolean.getBoolean("squall.debug")) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        return cl;
    }

    /** The placement for --device from the model's metadata and tensor sizes only (devices.json errors name their JSON path). */
    private String explainPlacement(Path modelPath) throws java.io.IOException {
        try (io.squall.model.gguf.GGUFFile gguf = io.squall.model.gguf.GGUFFile.open(modelPath)) {
            io.squall.model.llama.LlamaConfig c = io.squall.model.llama.LlamaConfig.fromModelFile(gguf);
            int window = window(c, gguf.name());
            java.util.Map<String, Long> sizes = new java.util.HashMap<>();
            gguf.tensors().forEach(t -> sizes.put(t.name(), t.byteSize()));
            io.squall.device.placement.ModelFootprint footprint = io.squall.model.llama.LlamaFootprint.of(
                    sizes, c.layers(), c.dim(), c.ffnDim(), c.heads(), c.kvDim(), c.vocabSize(), c.ropeDims(), window);
            Path devicesJson = Path.of(System.getProperty("squall.home", "."), "devices.json");
            return modelPath.getFileName() + ", context window " + window + " tokens\n"
                    + io.squall.device.placement.DeviceMap.fromDeviceOption(device, devicesJson)
                            .place(footprint)
                            .explanation();
        }
    }

    private void requireOption(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    /** The context window: --ctx-size, checked against the model's context_length, else the model's at most 4096. */
    private int window(io.squall.model.llama.LlamaConfig c, String file) {
        if (contextSize == null) {
            return Math.min(c.contextLength(), Llama.DEFAULT_MAX_CONTEXT);
        }
        if (contextSize > c.contextLength()) {
            throw new IllegalArgumentException("--ctx-size " + contextSize + " is beyond the model's context_length "
                    + c.contextLength() + " (" + file + ")");
        }
        return contextSize;
    }

    /** The message for the user; file-system errors say what is wrong with the file, not only its path. */
    static String message(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u && u.getCause() instanceof java.nio.file.FileSystemException) {
            e = u.getCause();
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": "
                    + io.squall.model.gguf.FileErrors.reason(f);
        }
        String m = e.getMessage();
        return m != null ? m : e.toString();
    }

    /** The default model: models/stories260K.gguf under squall.home (set by scripts/llama), else the working directory. */
    static Path defaultModel() {
        return Path.of(System.getProperty("squall.home", "."), "models", "stories260K.gguf");
    }

    static Path modelOrDefault(Path model) {
        Path p = model != null ? model : defaultModel();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("model file not found: " + p
                    + (model == null ? " (the embedded model; run from the repository or pass --model)" : ""));
        }
        return p;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxTokens < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-tokens must be >= 0, got " + maxTokens);
        }
        if (contextSize != null && contextSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ctx-size must be >= 1, got " + contextSize);
        }
        if (logprobs != null && (logprobs < 0 || logprobs > 20)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--logprobs must be in 0..20, got " + logprobs);
        }
        if (threads != null) {
            // beyond a few per core threads only contend; the bound also keeps per-thread buffers from being sized by a
            // typo
            int most = Math.max(256, 4 * Runtime.getRuntime().availableProcessors());
            if (threads < 1 || threads > most) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--threads must be in 1.." + most + ", got " + threads);
            }
            System.setProperty("squall.threads", Integer.toString(threads));
        }
        if (chatTemplate != null && !chatTemplate.equals("llama2") && !chatTemplate.equals("llama3")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--chat-template must be llama2 or llama3, got " + chatTemplate);
        }
        requireOption(topK >= 0, "--top-k must be >= 0 (0 disables), got " + topK);
        requireOption(
                temperature >= 0 && Float.isFinite(temperature),
                "--temperature must be >= 0 (0 = greedy), got " + temperature);
        requireOption(topP >= 0 && topP <= 1, "--top-p must be in 0..1, got " + topP);
        requireOption(minP >= 0 && minP <= 1, "--min-p must be in 0..1, got " + minP);
        requireOption(
                repeatPenalty > 0 && Float.isFinite(repeatPenalty),
                "--repeat-penalty must be > 0, got " + repeatPenalty);
        requireOption(repeatLastN >= 0, "--repeat-last-n must be >= 0, got " + repeatLastN);
        long actualSeed = seed != null ? seed : System.nanoTime();
        try {
            new SamplerSettings(
                    temperature,
                    topK,
                    topP,
                    minP,
                    repeatPenalty,
                    repeatLastN,
                    actualSeed); // checks, naming the options
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path modelPath = modelOrDefault(model);
        if (explainPlacement) {
            out.println(explainPlacement(modelPath));
            return 0;
        }
        Sampling.Builder sampling = Sampling.builder()
                .temperature(Math.max(0f, temperature))
                .topK(topK)
                .topP(topP)
                .minP(minP)
                .repeatPenalty(repeatPenalty)
                .repeatLastN(repeatLastN)
                .seed(actualSeed);
        Llama.Options.Builder options = Llama.Options.builder()
                .device(device)
                .chatTemplate(chatTemplate)
                .progress(s -> progress(err, s));
        if (contextSize != null) {
            options.contextSize(contextSize);
        }
        if (threads != null) {
            options.threads(threads);
        }
        long loadStart = System.nanoTime();
        try (Llama llama = Llama.load(modelPath, options.build())) {
            err.printf(
                    "loaded in %.2f s; context window %d tokens; %s%n",
                    (System.nanoTime() - loadStart) / 1e9, llama.contextSize(), llama.engineDescription());
            err.flush();
            if (chat) {
                return chat(llama, sampling.build(), out, err);
            }
            GenerationRequest.Builder request = promptRequest(llama)
                    .maxTokens(maxTokens)
                    .sampling(sampling.build())
                    .stop(stop);
            if (logprobs != null) {
                request.logprobs(logprobs);
            }
            GenerationRequest r0 = request.build();
            int[] promptTokens = llama.promptTokens(r0);
            if (!json) {
                out.print(prompt != null && system == null ? prompt : "");
                out.flush();
            }
            Completion r = llama.generate(
                    r0,
                    stream && !json
                            ? text -> {
                                out.print(text);
                                out.flush();
                                return true;
                            }
                            : null);
            if (json) {
                out.println(toJson(modelPath, promptTokens, r, actualSeed));
            } else {
                if (!stream) {
                    out.print(r.text());
                }
                out.println();
                printLogprobs(out, r);
            }
            out.flush();
            if (r.finishReason() == FinishReason.CONTEXT_FULL) {
                err.println("stopped: the context window of " + llama.contextSize() + " tokens is full");
            }
            printSpeed(err, r);
            return 0;
        }
    }

    private GenerationRequest.Builder promptRequest(Llama llama) {
        if (system != null) {
            return GenerationRequest.chat(
                    List.of(ChatMessage.system(system), ChatMessage.user(prompt != null ? prompt : "")));
        }
        return GenerationRequest.prompt(prompt != null ? prompt : "");
    }

    private int chat(Llama llama, Sampling sampling, PrintWriter out, PrintWriter err) throws IOException {
        Conversation session = llama.conversation(system).maxTokens(maxTokens).sampling(sampling);
        if (!stop.isEmpty()) {
            session.stop(stop.toArray(String[]::new));
        }
        if (logprobs != null) {
            session.logprobs(logprobs);
        }
        err.println("chat template " + TerminalText.escape(llama.chatFormat().name())
                + "; type a message, /exit or end of input quits");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> pending = new ArrayList<>();
        if (prompt != null) {
            pending.add(prompt);
        }
        while (true) {
            String line;
            if (!pending.isEmpty()) {
                line = pending.removeFirst();
                err.println("> " + line);
            } else {
                err.print("> ");
                err.flush();
                line = in.readLine();
            }
            if (line == null || line.strip().equals("/exit")) {
                return 0;
            }
            if (line.isBlank()) {
                continue;
            }
            int dropped = session.droppedMessages();
            Completion r;
            try {
                r = session.send(line, text -> {
                    out.print(text);
                    out.flush();
                    return true;
                });
            } catch (IllegalArgumentException | ContextWindowExceededException e) {
                err.println("llama: " + TerminalText.escapeKeepingLines(e.getMessage()));
                continue;
            }
            out.println();
            printLogprobs(out, r);
            out.flush();
            if (session.droppedMessages() > dropped) {
                err.println("(dropped " + (session.droppedMessages() - dropped)
                        + " old messages to stay within the context window)");
            }
            printSpeed(err, r);
        }
    }

    private void printLogprobs(PrintWriter out, Completion r) {
        if (logprobs == null || json) {
            return;
        }
        for (TokenLogprob lp : r.logprobs()) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%6d %-16s %8.4f |", lp.token(), quote(lp.text()), lp.logprob()));
            for (TokenLogprob.Alternative a : lp.top()) {
                sb.append(String.format(" %s %.4f", quote(a.text()), a.logprob()));
            }
            out.println(sb);
        }
    }

    private static String quote(String s) {
        return "'" + TerminalText.escape(s) + "'";
    }

    static void progress(PrintWriter err, String step) {
        err.println("llama: " + step);
        err.flush();
    }

    private static void printSpeed(PrintWriter err, Completion r) {
        err.printf(
                "prompt: %d tokens (%d evaluated) in %.1f ms, %.2f tokens/s; generation: %d tokens in %.1f ms, %.2f tokens/s (%s)%n",
                r.promptTokens(),
                r.promptEvaluated(),
                r.promptNanos() / 1e6,
                r.promptTokensPerSecond(),
                r.tokens().length,
                r.generationNanos() / 1e6,
                r.generationTokensPerSecond(),
                r.finishReason().name().toLowerCase());
        err.flush();
    }

    private String toJson(Path modelPath, int[] promptTokens, Completion r, long usedSeed) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", modelPath.toString());
        o.put("prompt", prompt);
        o.put("prompt_tokens", promptTokens);
        o.put("tokens", r.tokens());
        o.put("text", r.text());
        o.put("stop_reason", r.finishReason().name().toLowerCase());
        o.put("seed", usedSeed);
        if (logprobs != null) {
            List<Map<String, Object>> lps = new ArrayList<>();
            for (TokenLogprob lp : r.logprobs()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("token", lp.token());
                e.put("text", lp.text());
                e.put("logprob", lp.logprob());
                List<Map<String, Object>> alts = new ArrayList<>();
                for (TokenLogprob.Alternative a : lp.top()) {
                    Map<String, Object> alt = new LinkedHashMap<>(); // Map.of's order changes from run to run
                    alt.put("token", a.token());
                    alt.put("text", a.text());
                    alt.put("logprob", a.logprob());
                    alts.add(alt);
                }
                e.put("top_logprobs", alts);
                lps.add(e);
            }
            o.put("logprobs", lps);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("prompt_tokens", r.promptTokens());
        t.put("prompt_evaluated", r.promptEvaluated());
        t.put("prompt_ms", r.promptNanos() / 1e6);
        t.put("prompt_tokens_per_second", r.promptTokensPerSecond());
        t.put("generated_tokens", r.tokens().length);
        t.put("generation_ms", r.generationNanos() / 1e6);
        t.put("generation_tokens_per_second", r.generationTokensPerSecond());
        o.put("timings", t);
        return new ObjectMapper()
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .writeValueAsString(o);
    }
}
