package io.squall.model.llama;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repacked copies kept in a file ({@link RepackedWeightsFile}, {@link LlamaModel#repackForCpu(Path)}): a run that
 * writes the file, a run that maps it and a run that repacks in memory give bit-identical logits; a file for another
 * version of the model (size or time changed) or a damaged one is written again; a cache directory that cannot be
 * created falls back to the copies in memory.
 */
class RepackedWeightsFileTest {
    @TempDir
    Path dir;

    @Test
    void writtenMappedAndInMemoryCopiesGiveTheSameLogits() throws IOException {
        Assumptions.assumeTrue(CpuEngine.REPACK_Q4_0_DEFAULT, "-Dsquall.matvec.repack=false: nothing repacked");
        Path model = write("q4_k_m");
        Path cache = dir.resolve("cache");
        float[] inMemory = logits(model, null, new ArrayList<>());

        List<String> first = new ArrayList<>();
        assertArrayEquals(inMemory, logits(model, cache, first), "the run that writes the file");
        assertTrue(last(first).contains(", kept in " + cache), last(first));
        try (var files = Files.list(cache)) {
            List<Path> kept = files.toList();
            assertEquals(1, kept.size(), "one complete file, no leftover part: " + kept);
            assertTrue(kept.get(0).toString().endsWith(".repacked"), kept.toString());
        }

        List<String> second = new ArrayList<>();
        assertArrayEquals(inMemory, logits(model, cache, second), "the run that maps the file");
        assertTrue(last(second).startsWith("mapped ") && last(second).contains(", mapped from "), last(second));

        // the model file changed (its time here): the copies are made again, not taken from the old file
        Files.setLastModifiedTime(
                model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 5000));
        List<String> third = new ArrayList<>();
        assertArrayEquals(inMemory, logits(model, cache, third), "after the model file changed");
        assertTrue(last(third).contains(", kept in "), last(third));

        // a damaged file (its magic number overwritten) is written again
        Path kept;
        try (var files = Files.list(cache)) {
            kept = files.findFirst().orElseThrow();
        }
        Files.write(kept, new byte[8], StandardOpenOption.WRITE);
        List<String> fourth = new ArrayList<>();
        assertArrayEquals(inMemory, logits(model, cache, fourth), "after the file was damaged");
        assertTrue(last(fourth).contains(", kept in "), last(fourth));
        List<String> fifth = new ArrayList<>();
        assertArrayEquals(inMemory, logits(model, cache, fifth), "mapped again");
        assertTrue(last(fifth).contains(", mapped from "), last(fifth));
    }

    @Test
    void aDirectoryThatCannotBeMadeFallsBackToMemory() throws IOException {
        Assumptions.assumeTrue(CpuEngine.REPACK_Q4_0_DEFAULT, "-Dsquall.matvec.repack=false: nothing repacked");
        Path model = write("q4_0");
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        List<String> log = new ArrayList<>();
        float[] expected = logits(model, null, new ArrayList<>());
        assertArrayEquals(expected, logits(model, notADirectory.resolve("cache"), log));
        assertTrue(
                log.stream()
                        .anyMatch(s -> s.startsWith("repacked weights not kept in " + notADirectory.resolve("cache"))),
                log.toString());
        assertTrue(
                last(log).startsWith("repacked ") && last(log).endsWith("(-Dsquall.matvec.repack=false: off)"),
                last(log));
    }

    /** The last logits of a 19-token prompt and of 3 decoded tokens after it, the copies kept in {@code cache}. */
    private static float[] logits(Path model, Path cache, List<String> log) throws IOException {
        try (LlamaModel m = LlamaModel.load(model, log::add)) {
            m.repackForCpu(cache);
            CpuEngine engine = new CpuEngine(m, 64, true);
            int[] prompt = new int[19];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (i * 97 + 5) % m.config().vocabSize();
            }
            float[] prefill = engine.prefill(prompt, 0, prompt.length, 0).clone();
            float[] out = java.util.Arrays.copyOf(prefill, prefill.length * 4);
            for (int t = 0; t < 3; t++) {
                float[] next = engine.forward((t * 31 + 3) % m.config().vocabSize(), prompt.length + t);
                System.arraycopy(next, 0, out, prefill.length * (t + 1), next.length);
            }
            return out;
        }
    }

    private static String last(List<String> log) {
        return log.isEmpty() ? "(no log)" : log.get(log.size() - 1);
    }

    private Path write(String type) throws IOException {
        return TestModels.writeSynthetic(dir, type, 256, 7);
    }
}
