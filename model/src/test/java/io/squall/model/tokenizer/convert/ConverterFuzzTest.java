package io.squall.model.tokenizer.convert;

import io.squall.model.tokenizer.TestVocabularies;
import io.squall.model.tokenizer.Tokenizer;
import io.squall.model.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated and truncated tokenizer files: every outcome is either a usable vocabulary (its token ids in range; a
 * truncated file never passes for the whole vocabulary) or a clear error (UncheckedIOException naming the file,
 * IllegalArgumentException naming the field), never another exception or a hang; both outcomes occur.
 */
class ConverterFuzzTest {

    @Test
    void mutatedTok512Files(@TempDir Path dir) throws Exception {
        fuzz(dir, TestVocabularies.require("tok512.bin"), "tokenizer.bin", VocabularyConverters::readLlama2cTokenizer);
        fuzz(
                dir,
                TestVocabularies.require("tok512.model"),
                "tokenizer.model",
                VocabularyConverters::readSentencePieceModel);
    }

    private static void fuzz(Path dir, Path original, String name, Function<Path, Vocabulary> read) throws Exception {
        byte[] bytes = Files.readAllBytes(original);
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        Vocabulary intact = read.apply(file);
        assertEquals(TEXT, roundTrip(intact), "the unmutated " + name + " round-trips");
        Random random = new Random(42);
        int errors = 0;
        int usable = 0;
        for (int round = 0; round < 150; round++) {
            byte[] mutated = round % 3 == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes.clone();
            if (round % 3 != 0) {
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
            }
            Files.write(file, mutated);
            Vocabulary v;
            try {
                v = read.apply(file);
            } catch (UncheckedIOException e) {
                assertTrue(e.getMessage().contains(name), "error without the file name: " + e.getMessage());
                errors++;
                continue;
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains("tokenizer"), "unclear error: " + e);
                errors++;
                continue;
            }
            if (round % 3 == 0) {
                assertTrue(
                        v.size() < intact.size(),
                        "a truncated " + name + " (" + mutated.length + " of " + bytes.length
                                + " bytes) read as a whole vocabulary of " + v.size() + " tokens");
            }
            try {
                Tokenizer t = Tokenizer.of(v);
                int[] ids = t.encode(TEXT, true, false);
                for (int id : ids) {
                    assertTrue(
                            id >= 0 && id < v.size(),
                            "token id " + id + " outside the vocabulary of " + v.size() + ", round " + round);
                }
                t.decode(ids);
                usable++;
            } catch (
                    IllegalArgumentException
                            e) { // a vocabulary that reads but cannot tokenize says which token is wrong
                assertTrue(
                        e.getMessage() != null
                                && (e.getMessage().contains("tokenizer")
                                        || e.getMessage().contains("tokenize")),
                        "unclear error: " + e);
                errors++;
            }
        }
        // Both outcomes occur (seed fixed): a reader that rejected every file, or accepted every one, fails here.
        assertTrue(errors > 0, "no mutation of " + name + " was rejected");
        assertTrue(usable > 0, "every mutation of " + name + " was rejected (" + errors + " errors)");
    }

    private static final String TEXT = "Once upon a time 🦙";

    private static String roundTrip(Vocabulary v) {
        Tokenizer t = Tokenizer.of(v);
        return t.decode(t.encode(TEXT, true, false));
    }
}
