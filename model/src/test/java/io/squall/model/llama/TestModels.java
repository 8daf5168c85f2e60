package io.squall.model.llama;

import io.squall.model.convert.SyntheticModel;
import io.squall.model.gguf.GGUFFile;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the embedded model and the shared test data. */
public final class TestModels {
    private TestModels() {}

    /** models/stories260K.gguf at the repository root (the tests run in the module directory); skips when absent. */
    public static Path stories() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Assumptions.assumeTrue(
                false, "models/stories260K.gguf not found above " + Path.of("").toAbsolutePath());
        return null;
    }

    /** A file of the shared test data directory (system property squall.testdata); skips when absent. */
    public static Path testdata(String name) {
        String dir = System.getProperty("squall.testdata");
        Assumptions.assumeTrue(dir != null, "system property squall.testdata is not set");
        Path p = Path.of(dir, name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "test data " + p + " is absent");
        return p;
    }

    /**
     * A tiny Llama-3-style synthetic model with the embedded model's vocabulary (dim 256, 2 layers, GQA 8/2, 512
     * tokens, rope base 500000 with 3.1 frequency factors, untied classifier) of the type scheme {@code type}, written
     * to {@code dir/synthetic-TYPE.gguf}; skips when the embedded model is absent.
     */
    public static Path writeSynthetic(Path dir, String type, int hiddenDim, long seed) throws IOException {
        SyntheticModel.Spec spec = new SyntheticModel.Spec(
                "test",
                256,
                hiddenDim,
                2,
                8,
                2,
                512,
                500000f,
                128,
                1e-5f,
                false,
                new SyntheticModel.Llama3RopeScaling(8f, 1f, 4f, 32));
        Path file = dir.resolve("synthetic-" + type + ".gguf");
        try (GGUFFile vocabulary = GGUFFile.open(stories())) {
            SyntheticModel.write(spec, SyntheticModel.TypeScheme.parse(type), vocabulary, seed, file, s -> {});
        }
        return file;
    }
}
