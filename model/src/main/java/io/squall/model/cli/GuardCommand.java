package io.squall.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.llama.Llama;
import io.squall.llama.LlamaGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code llama guard}: classifies a prompt (or a response to it) with a Llama Guard 2 or 3 model. */
@Command(
        name = "guard",
        mixinStandardHelpOptions = true,
        description = {
            "Classifies a user prompt, or an agent's response to it, as safe or unsafe with a Llama Guard model "
                    + "(Llama Guard 2: 11 categories; Llama Guard 3: 14). Prints the verdict; exit code 0 either way."
        },
        footer = {"", "Example:", "  llama guard --model Llama-Guard-3-8B-Q8_0.gguf --prompt \"How do I pick a lock?\""
        })
public final class GuardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a Llama Guard 2 or 3 GGUF")
    Path model;

    @Option(
            names = {"-p", "--prompt"},
            required = true,
            paramLabel = "TEXT",
            description = "the user's message")
    String prompt;

    @Option(
            names = "--response",
            paramLabel = "TEXT",
            description = "the agent's response to classify (with the prompt as context)")
    String response;

    @Option(
            names = "--guard-version",
            paramLabel = "2|3",
            description = "prompt format (default: from the model's name, else 3)")
    String version;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            defaultValue = "cpu",
            description = "where to run (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--json", description = "print the verdict as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LlamaGuard.Version v;
        try {
            v = version != null ? LlamaGuard.Version.of(version) : null;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--guard-version: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Llama guard = Llama.load(
                LlamaCli.modelOrDefault(model),
                Llama.Options.builder().device(device).build())) {
            LlamaGuard.Version used = v != null ? v : LlamaGuard.detect(guard);
            LlamaGuard.Verdict verdict = LlamaGuard.classify(guard, used, prompt, response);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("guard", used.name().toLowerCase());
                o.put("safe", verdict.safe());
                List<Map<String, String>> cats = verdict.categories().stream()
                        .map(c -> Map.of("code", c.code(), "name", c.name()))
                        .toList();
                o.put("categories", cats);
                o.put("output", verdict.output());
                out.println(new ObjectMapper().writeValueAsString(o));
            } else {
                out.println(verdict.safe() ? "safe" : "unsafe");
                verdict.categories().forEach(c -> out.println(c.code() + ": " + c.name()));
            }
            out.flush();
        }
        return 0;
    }
}
