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

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated and truncated tokenizer files: every outcome is either a usable vocabulary or a clear error
 * (UncheckedIOException / IllegalArgumentException naming the file), never another exception or a hang.
 */
class ConverterFuzzTest {

    @Test
    void mutatedTok512Files(@TempDir Path dir) throws Exception {
        fuzz(dir, TestVocabularies.require("tok512.bin"), "tokenizer.bin", VocabularyConverters::readLlama2cTokenizer);
        fuzz(dir, TestVocabularies.require("tok512.model"), "tokenizer.model", VocabularyConverters::readSentencePieceModel);
    }

    private static void fuzz(Path dir, Path original, String name, Function<Path, Vocabulary> read) throws Exception {
        byte[] bytes = Files.readAllBytes(original);
        Random random = new Random(42);
        int errors = 0, ok = 0;
        for (int round = 0; round < 150; round++) {
            byte[] mutated = round % 3 == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length))
                    : bytes.clone();
            if (round % 3 != 0) for (int k = 0; k < 1 + random.nextInt(8); k++) mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            Path file = dir.resolve(name);
            Files.write(file, mutated);
            try {
                Vocabulary v = read.apply(file);
                Tokenizer t = Tokenizer.of(v);
                assertNotNull(t.decode(t.encode("Once upon a time 🦙", true, false)));
                ok++;
            } catch (UncheckedIOException e) {
                assertTrue(e.getMessage().contains(name), "error without the file name: " + e.getMessage());
                errors++;
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains("tokenizer"), "unclear error: " + e);
                errors++;
            }
        }
        assertTrue(errors > 0 && ok + errors == 150, "ok " + ok + ", errors " + errors);
    }
}
