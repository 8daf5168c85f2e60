package io.squall.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tokenizer.convert.VocabularyConverters;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The real vocabularies of ../shared/testdata, converted by Squall's converters into GGUF files in a temporary
 * directory and loaded back through {@link Tokenizer#fromGGUF}; built once per test JVM.
 */
public final class TestVocabularies {
    private static Tokenizer llama2, llama3;

    private TestVocabularies() {}

    public static Path testdata() {
        return Path.of(System.getProperty("squall.testdata", "../shared/testdata"));
    }

    /** Skips the calling test when a test-data file is absent. */
    public static Path require(String relative) {
        Path p = testdata().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), "test data " + p + " is absent");
        return p;
    }

    public static synchronized Tokenizer llama2() {
        Path model = require("llama2-tokenizer/tokenizer.model");
        if (llama2 == null)
            llama2 = viaGGUF((out, w) -> VocabularyConverters.fromSentencePieceModel(model, w), "llama2");
        return llama2;
    }

    public static synchronized Tokenizer llama3() {
        Path json = require("llama3-tokenizer/tokenizer.json");
        Path config = require("llama3-tokenizer/tokenizer_config.json");
        if (llama3 == null)
            llama3 = viaGGUF((out, w) -> VocabularyConverters.fromHuggingFace(json, config, w), "llama3");
        return llama3;
    }

    /** Converts into a GGUF file, reopens it and builds the tokenizer from the file. */
    public static Tokenizer viaGGUF(BiConsumer<Path, GGUFWriter> convert, String name) {
        try {
            Path dir = Files.createTempDirectory("squall-tok");
            Path file = dir.resolve(name + ".gguf");
            GGUFWriter writer = new GGUFWriter();
            convert.accept(file, writer);
            writer.write(file);
            try (GGUFFile gguf = GGUFFile.open(file)) {
                return Tokenizer.fromGGUF(gguf);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record FixtureCase(String text, int[] ids, int[] idsParseSpecial) {}

    public static List<FixtureCase> fixtures(String file) {
        Path p = require("tokenizer-fixtures/" + file);
        try {
            JsonNode root = new ObjectMapper().readTree(p.toFile());
            List<FixtureCase> cases = new ArrayList<>();
            for (JsonNode c : root.path("cases"))
                cases.add(
                        new FixtureCase(c.path("text").asText(), ints(c.path("ids")), ints(c.path("idsParseSpecial"))));
            if (cases.isEmpty()) throw new IllegalStateException(p + " has no cases");
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = array.get(i).asInt();
        return a;
    }
}
