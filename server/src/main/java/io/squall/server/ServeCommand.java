package io.squall.server;

import io.squall.llama.Llama;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code llama serve}: loads a model and serves the OpenAI-compatible API until the process is stopped. */
@Command(
        name = "llama serve",
        mixinStandardHelpOptions = true,
        version = "llama serve (Squall) 0.1.0",
        description = {
            "Serves a GGUF Llama model over an OpenAI-compatible HTTP API: POST /v1/chat/completions, "
                    + "POST /v1/completions (stream: true for server-sent events), GET /v1/models, GET /health."
        },
        footer = {
            "",
            "Example:",
            "  llama serve --model llama-3.2-1b-q8_0.gguf --parallel 4 --port 8080",
            "  curl http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' \\",
            "       -d '{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'"
        })
public final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "GGUF model (default: the embedded stories260K model)")
    Path model;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            defaultValue = "cpu",
            description =
                    "cpu, a device id, a list, auto or a devices.json path (default: ${DEFAULT-VALUE}); --parallel above 1 needs cpu")
    String device;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8080",
            description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "sequences decoding together in one batched step, each with its own KV cache (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "require Authorization: Bearer KEY on /v1 (also env SQUALL_API_KEY)")
    String apiKey;

    @Option(
            names = "--ctx-size",
            paramLabel = "N",
            description = "context window per sequence (default: the model's, at most 4096)")
    Integer contextSize;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "CPU threads (default: all available processors)")
    Integer threads;

    @Option(
            names = "--max-queue",
            paramLabel = "N",
            defaultValue = "64",
            description = "requests that may wait for a free slot; beyond, 429 (default: ${DEFAULT-VALUE})")
    int maxQueue;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "the longest a request may take, queue time included (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = "--max-body",
            paramLabel = "BYTES",
            defaultValue = "1048576",
            description = "largest request body (default: ${DEFAULT-VALUE})")
    long maxBody;

    @Option(
            names = "--chat-template",
            paramLabel = "NAME",
            description = "override the model's chat template: llama2 or llama3")
    String chatTemplate;

    @Option(
            names = "--guard-model",
            paramLabel = "FILE",
            description = "a Llama Guard 2 or 3 GGUF that answers POST /v1/moderations")
    Path guardModel;

    @Option(
            names = "--guard-version",
            paramLabel = "2|3",
            description = "the guard's prompt format (default: from its name, else 3)")
    String guardVersion;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            description = "the model id reported by /v1/models (default: the file name)")
    String modelId;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("llama serve: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (timeoutSeconds < 1 || maxBody < 1 || maxQueue < 0) {
            throw new IllegalArgumentException("--timeout and --max-body must be >= 1 and --max-queue >= 0");
        }
        Path m = model != null ? model : Path.of(System.getProperty("squall.home", "."), "models", "stories260K.gguf");
        if (!Files.isRegularFile(m)) {
            throw new IllegalArgumentException("model file not found: " + m);
        }
        Llama.Options.Builder options = Llama.Options.builder()
                .device(device)
                .parallel(parallel)
                .maxQueued(maxQueue)
                .chatTemplate(chatTemplate)
                .progress(s -> System.err.println("llama serve: " + s));
        if (contextSize != null) {
            options.contextSize(contextSize);
        }
        if (threads != null) {
            options.threads(threads);
        }
        String key = apiKey != null ? apiKey : System.getenv("SQUALL_API_KEY");
        io.squall.llama.LlamaGuard.Version gv =
                guardVersion != null ? io.squall.llama.LlamaGuard.Version.of(guardVersion) : null;
        if (guardModel != null && !Files.isRegularFile(guardModel)) {
            throw new IllegalArgumentException("guard model file not found: " + guardModel);
        }
        try (Llama llama = Llama.load(m, options.build());
                Llama guard = guardModel != null
                        ? Llama.load(
                                guardModel,
                                Llama.Options.builder().device(device).build())
                        : null;
                OpenAiServer server = new OpenAiServer(
                                llama,
                                guard,
                                gv,
                                new OpenAiServer.Config(
                                        host,
                                        port,
                                        key,
                                        modelId != null
                                                ? modelId
                                                : m.getFileName().toString(),
                                        maxBody,
                                        Duration.ofSeconds(timeoutSeconds)))
                        .start()) {
            System.err.printf(
                    "llama serve: %s on http://%s:%d/v1 (%s; %d parallel sequences, context %d tokens%s)%n",
                    m.getFileName(),
                    host,
                    server.port(),
                    llama.engineDescription(),
                    llama.parallel(),
                    llama.contextSize(),
                    key != null ? ", API key required" : "");
            new CountDownLatch(1).await(); // until the process is stopped
        }
        return 0;
    }
}
