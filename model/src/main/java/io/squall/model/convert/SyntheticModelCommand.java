package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code synthetic}: writes a Llama-shaped GGUF with seeded random weights and a real vocabulary. */
@Command(
        name = "synthetic",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a Llama-shaped GGUF with seeded random weights (for tests and benchmarks), e.g.",
            "  synthetic --preset llama3.2-1b --type q8_0 --vocab llama3-vocab.gguf --out llama3.2-1b-q8_0.gguf",
            "Presets: llama3.2-1b (dim 2048, hidden 8192, 16 layers, 32/8 heads, rope 500000, vocab 128256, ctx 131072,",
            "Llama 3 rope scaling via rope_freqs.weight, tied embeddings), small, tiny, tiny-untied. Options override the preset."
        })
public final class SyntheticModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--preset",
            defaultValue = "tiny",
            paramLabel = "NAME",
            description = "llama3.2-1b, small, tiny (default), tiny-untied")
    String preset;

    @Option(
            names = "--type",
            defaultValue = "f32",
            paramLabel = "TYPE",
            description = {
                "one type for every matrix: f32 (default), f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl, q2_k, q3_k,",
                "q4_k, q5_k, q6_k, iq4_xs; or a llama-quantize mix: q2_k_mix, q3_k_s, q3_k_m, q3_k_l, q4_k_s, q4_k_m, q5_k_s, q5_k_m"
            })
    String type;

    @Option(
            names = "--vocab",
            paramLabel = "FILE",
            description =
                    "a GGUF whose tokenizer.* keys are copied (e.g. from convert-tokenizer); sets the vocabulary size")
    Path vocab;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "random seed (default 42): the same seed gives the same file")
    long seed;

    @Option(names = "--name", description = "general.name prefix")
    String name;

    @Option(names = "--dim", description = "embedding length")
    Integer dim;

    @Option(names = "--hidden", description = "feed-forward length")
    Integer hidden;

    @Option(names = "--layers", description = "block count")
    Integer layers;

    @Option(names = "--heads", description = "attention heads")
    Integer heads;

    @Option(names = "--kv-heads", description = "key/value heads (grouped-query attention)")
    Integer kvHeads;

    @Option(names = "--vocab-size", description = "vocabulary size when no --vocab is given")
    Integer vocabSize;

    @Option(names = "--rope-base", description = "llama.rope.freq_base")
    Float ropeBase;

    @Option(names = "--context", description = "llama.context_length")
    Integer context;

    @Option(
            names = "--tied",
            negatable = true,
            description = "share the classifier with the embedding (no output.weight)")
    Boolean tied;

    @Override
    public Integer call() throws Exception {
        SyntheticModel.Spec p;
        SyntheticModel.TypeScheme scheme;
        try {
            p = SyntheticModel.preset(preset);
            scheme = SyntheticModel.TypeScheme.parse(type);
            p = new SyntheticModel.Spec(
                    name != null ? name : p.name(),
                    or(dim, p.dim()),
                    or(hidden, p.hiddenDim()),
                    or(layers, p.layers()),
                    or(heads, p.heads()),
                    or(kvHeads, p.kvHeads()),
                    or(vocabSize, p.vocabSize()),
                    ropeBase != null ? ropeBase : p.ropeBase(),
                    or(context, p.contextLength()),
                    p.rmsEpsilon(),
                    tied != null ? tied : p.tiedEmbeddings(),
                    p.ropeScaling());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (vocab == null) {
            System.err.println("note: no --vocab given: the model has no tokenizer keys (tensor-level tests only)");
        }
        long start = System.nanoTime();
        GGUFFile v = vocab != null ? GGUFFile.open(vocab) : null;
        try {
            SyntheticModel.write(p, scheme, v, seed, out, System.err::println);
        } finally {
            if (v != null) {
                v.close();
            }
        }
        System.err.printf(
                "wrote %s (%.1f MB) in %.1f s%n",
                out, java.nio.file.Files.size(out) / 1e6, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static int or(Integer v, int dflt) {
        return v != null ? v : dflt;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SyntheticModelCommand()).execute(args));
    }
}
