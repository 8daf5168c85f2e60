package io.squall.model.cli;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code llama tokenize}: prints the token ids of a text as a JSON array. Works on vocabulary-only GGUF files. */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = "Prints the token ids of a text as a JSON array (the GGUF file may hold only a vocabulary).")
public final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "GGUF file with a tokenizer.ggml vocabulary (default: the embedded model)")
    Path model;

    @Option(names = "--parse-special", description = "turn special-token markup such as <|eot_id|> into those tokens")
    boolean parseSpecial;

    @Option(names = "--no-bos", description = "do not prepend the beginning-of-sequence token")
    boolean noBos;

    static final class Input {
        @Option(
                names = {"-p", "--prompt"},
                required = true,
                description = "the text")
        String prompt;

        @Option(names = "--file", required = true, paramLabel = "PATH", description = "read the text from a UTF-8 file")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Override
    public Integer call() throws Exception {
        String text = input.prompt != null ? input.prompt : Files.readString(input.file, StandardCharsets.UTF_8);
        try (GGUFFile gguf = GGUFFile.open(LlamaCli.modelOrDefault(model))) {
            Tokenizer tokenizer = Tokenizer.fromGGUF(gguf);
            int[] ids = tokenizer.encode(text, !noBos && tokenizer.addBosByDefault(), parseSpecial);
            spec.commandLine()
                    .getOut()
                    .println(
                            Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
