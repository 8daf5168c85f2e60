package io.squall.model.tokenizer.convert;

import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tokenizer.GGUFVocabulary;
import io.squall.model.tokenizer.Vocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code convert-tokenizer}: writes a vocabulary-only GGUF (no tensors) from a Llama tokenizer file. */
@Command(
        name = "convert-tokenizer",
        mixinStandardHelpOptions = true,
        version = "squall convert-tokenizer 0.1.0",
        description = {
            "Converts a Llama tokenizer into a vocabulary-only GGUF file (tokenizer.* keys, no tensors).",
            "Inputs:",
            "  tokenizer.model  Meta's SentencePiece model (Llama 1 and 2)",
            "  tokenizer.bin    llama2.c's vocabulary (tok512.bin, tokenizer.bin)",
            "  tokenizer.json   Llama 3's Hugging Face tokenizer (with --config for",
            "                   BOS/EOS and the chat template)",
            "Example:",
            "  convert-tokenizer --input tokenizer.json \\",
            "      --config tokenizer_config.json --out vocab.gguf"
        })
public final class ConvertTokenizerCommand implements Callable<Integer> {
    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE",
            description = "tokenizer.model, tokenizer.bin or tokenizer.json")
    Path input;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "tokenizer_config.json (Hugging Face input only): BOS/EOS, add_bos_token, chat template")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (config != null && !input.getFileName().toString().endsWith(".json"))
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--config applies only to a tokenizer.json input");
        long start = System.nanoTime();
        System.err.println("reading " + input);
        Vocabulary vocabulary;
        try {
            vocabulary = VocabularyConverters.read(input, config);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            System.err.println("convert-tokenizer: " + e.getMessage());
            return 1;
        }
        GGUFWriter writer = new GGUFWriter();
        writer.putString("general.architecture", "llama");
        writer.putString("general.name", "vocabulary of " + input.getFileName());
        GGUFVocabulary.write(vocabulary, writer);
        writer.write(out);
        System.err.printf("wrote %s: %s (%.1f s)%n", out, vocabulary, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConvertTokenizerCommand()).execute(args));
    }
}
