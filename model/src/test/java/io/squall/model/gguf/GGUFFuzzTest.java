package io.squall.model.gguf;

import io.squall.model.gguf.GGUFMutator.Base;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tokenizer.convert.VocabularyConverters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded fuzzing: mutated and truncated variants of real GGUF files ({@link GGUFMutator}) either parse cleanly or
 * fail with a GGUFFormatException: never another exception, an OutOfMemoryError, a crash or a hang (each case has a
 * time guard). The deep run through model construction is the fuzz command in bench/ (scripts/fuzz-gguf).
 */
class GGUFFuzzTest {

    private static final long SEED = 20261126L;

    @TempDir
    Path dir;

    private List<Base> bases() throws Exception {
        List<Base> bases = new ArrayList<>();
        // Every value type, nested arrays, tensors of several types: needs no testdata.
        try (Arena arena = Arena.ofConfined()) {
            GGUFWriter w = new GGUFWriter();
            w.putString("general.architecture", "llama").putUInt32("general.alignment", 64);
            GGUFRoundTripTest.allTypes(w);
            w.putArray("a.big", new GGUFArray(GGUFValueType.INT32, new int[100]));
            w.putArray("a.bigstr", new GGUFArray(GGUFValueType.STRING, new String[] {"x", "y"}));
            w.addTensor("w.f32", GGMLType.F32, new long[] {8, 4}, GGUFRoundTripTest.floats(arena, 32, 5));
            w.addTensor("w.q8", GGMLType.Q8_0, new long[] {32, 2}, arena.allocate(GGMLType.Q8_0.byteSize(64)));
            w.addTensor("w.q4k", GGMLType.Q4_K, new long[] {256}, arena.allocate(GGMLType.Q4_K.byteSize(256)));
            Path p = dir.resolve("types.gguf");
            w.write(p);
            bases.add(base("every-type", p));
        }
        bases.add(base("stories260K", io.squall.model.llama.TestModels.stories())); // shipped in models/
        return bases;
    }

    /** A GGUF holding the Llama 2 vocabulary (from the shared test data; skips when absent). */
    private Base llama2Vocabulary() throws Exception {
        Path spm = io.squall.model.llama.TestModels.testdata("llama2-tokenizer/tokenizer.model");
        GGUFWriter w = new GGUFWriter().putString("general.architecture", "llama");
        VocabularyConverters.fromSentencePieceModel(spm, w);
        Path p = dir.resolve("llama2-vocab.gguf");
        w.write(p);
        return base("llama2-vocabulary", p);
    }

    private static Base base(String name, Path p) throws Exception {
        return Base.of(name, Files.readAllBytes(p));
    }

    @Test
    void mutatedAndTruncatedFilesNeverEscapeAsAnythingButGGUFFormatException() throws Exception {
        fuzz(bases(), Integer.getInteger("squall.fuzz.cases", 2000) * 2 / 3); // more for a one-off deep run
    }

    @Test
    void mutatedVocabularyFilesNeverEscapeAsAnythingButGGUFFormatException() throws Exception {
        fuzz(List.of(llama2Vocabulary()), Integer.getInteger("squall.fuzz.cases", 2000) / 3);
    }

    private static void fuzz(List<Base> bases, int cases) throws Exception {
        System.out.println("fuzz bases: "
                + bases.stream()
                        .map(b -> b.name() + " (" + b.bytes().length + " bytes)")
                        .toList());
        Random random = new Random(Long.getLong("squall.fuzz.seed", SEED));
        ExecutorService guard = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gguf-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        int rejected = 0;
        try {
            for (int i = 0; i < cases; i++) {
                Base base = bases.get(i % bases.size());
                GGUFMutator.Mutant mutant = GGUFMutator.mutate(base, random);
                String what = "case " + i + " of " + base.name() + ": " + mutant.description();
                byte[] bytes = mutant.bytes();
                Future<Boolean> run = guard.submit(() -> parse(bytes));
                try {
                    if (run.get(20, TimeUnit.SECONDS)) {
                        parsed++;
                    } else {
                        rejected++;
                    }
                } catch (TimeoutException e) {
                    run.cancel(true);
                    fail("hang: " + what + " did not finish within 20 s");
                } catch (java.util.concurrent.ExecutionException e) {
                    StringWriter sw = new StringWriter();
                    e.getCause().printStackTrace(new PrintWriter(sw));
                    failures.add(what + " -> " + sw);
                }
            }
        } finally {
            guard.shutdownNow();
        }
        System.out.println("fuzz: " + cases + " cases, " + parsed + " parsed cleanly, " + rejected
                + " rejected with GGUFFormatException, " + failures.size() + " unexpected");
        if (!failures.isEmpty()) {
            fail(failures.size() + " unexpected outcomes; first: " + failures.getFirst());
        }
        // both outcomes occur (seed fixed): a reader that rejected every file, or accepted every one, fails here
        assertTrue(rejected > cases / 4, "the mutations should break most files: " + rejected);
        assertTrue(parsed > 0, "no mutation parsed: mutations of tensor data alone leave a valid file");
    }

    /** True when parsed (and every tensor's first and last byte readable), false for a GGUFFormatException; anything else escapes. */
    private static boolean parse(byte[] bytes) {
        try (GGUFFile f = GGUFFile.read(MemorySegment.ofArray(bytes), "fuzz.gguf")) {
            for (TensorInfo t : f.tensors()) {
                MemorySegment s = f.tensorData(t);
                s.get(ValueLayout.JAVA_BYTE, 0);
                s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1);
            }
            return true;
        } catch (GGUFFormatException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("fuzz.gguf: ")) {
                throw new AssertionError("message does not name the file: " + e.getMessage());
            }
            return false;
        }
    }
}
