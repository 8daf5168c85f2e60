package io.squall.model.convert;

import io.squall.model.tensor.GGMLType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code convert-llama2c}: a llama2.c checkpoint and its tokenizer.bin to a GGUF file. */
@Command(
        name = "convert-llama2c",
        mixinStandardHelpOptions = true,
        description = {
            "Converts a llama2.c checkpoint (.bin) and its tokenizer.bin into a GGUF file (architecture llama,",
            "llama.cpp tensor names). Norms stay F32; a matrix whose rows do not fill the type's blocks falls back to Q8_0 or F16."
        })
public final class ConvertLlama2cCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "FILE",
            description = "llama2.c checkpoint, e.g. stories260K.bin")
    Path checkpoint;

    @Option(
            names = "--tokenizer",
            required = true,
            paramLabel = "FILE",
            description = "llama2.c tokenizer, e.g. tok512.bin or tokenizer.bin")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Option(
            names = "--type",
            defaultValue = "f32",
            paramLabel = "TYPE",
            description = "tensor type of the matrices: f32 (default), f16, bf16, q8_0, q4_0, q4_k, q6_k")
    String type;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "general.name (default: the checkpoint's file name without .bin)")
    String name;

    @Override
    public Integer call() throws Exception {
        GGMLType t;
        try {
            t = TensorEncoding.parseType(type);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String modelName =
                name != null ? name : checkpoint.getFileName().toString().replaceFirst("\\.bin$", "");
        long start = System.nanoTime();
        Llama2cConverter.convert(checkpoint, tokenizer, out, t, modelName, System.err::println);
        System.err.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConvertLlama2cCommand()).execute(args));
    }
}
