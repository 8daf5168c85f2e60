package io.squall.model.llama;

import org.junit.jupiter.api.Assumptions;

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
}
