package io.squall.bench.fuzz;

import io.squall.model.accel.Engines;
import io.squall.model.cli.InfoCommand;
import io.squall.model.convert.SyntheticModel;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFFormatException;
import io.squall.model.gguf.GGUFMutator;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.tokenizer.convert.VocabularyConverters;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs GGUF mutants ({@link GGUFMutator}: header, metadata values including the hyper-parameters, tensor table,
 * truncations) through what a user's file reaches: {@link GGUFFile#read}, {@code llama info}'s printing, model
 * construction ({@link LlamaModel#from}, the CPU engine sized by the checked hyper-parameters) and one forward step,
 * and counts the outcomes. A clean error is a {@link GGUFFormatException} or {@link IllegalArgumentException} whose
 * message names the file; anything else (another exception, an error without the file's name, an OutOfMemoryError,
 * a case running past the time limit) is a finding, printed with the mutation that reproduces it. Exits 1 on any finding.
 *
 * <pre>java -Xmx1g ... io.squall.bench.fuzz.GGUFFuzz [--cases N] [--seed S] [--timeout-seconds T] [--models DIR] [--testdata DIR]</pre>
 */
public final class GGUFFuzz {
    /** What one mutant did. */
    enum Outcome {
        CLEAN_ERROR,
        LOADED,
        UNEXPECTED_EXCEPTION,
        OUT_OF_MEMORY,
        HANG
    }

    private static final String NAME = "mutant.gguf";
    private static final int EXAMPLES = 5;
    private static final Writer DISCARD = Writer.nullWriter();

    private GGUFFuzz() {}

    public static void main(String[] args) throws Exception {
        int cases = 100_000;
        long seed = 20261204L;
        int timeoutSeconds = 10;
        Path models = Path.of(System.getProperty("squall.home", "."), "models");
        Path testdata = Path.of(System.getProperty("squall.testdata", "../shared/testdata"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cases" -> cases = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--timeout-seconds" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "--models" -> models = Path.of(args[++i]);
                case "--testdata" -> testdata = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: GGUFFuzz [--cases N] [--seed S] [--timeout-seconds T] [--models DIR] [--testdata DIR]");
                    System.exit(2);
                }
            }
        }
        List<GGUFMutator.Base> bases = bases(models, testdata);
        System.out.println("bases: "
                + bases.stream()
                        .map(b -> b.name() + " (" + b.bytes().length + " bytes, "
                                + b.fields().size() + " targeted fields)")
                        .toList());
        System.out.println("cases: " + cases + ", seed " + seed + ", time limit " + timeoutSeconds
                + " s per case, heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");

        Random random = new Random(seed);
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        Map<String, Map<Outcome, Integer>> byKind = new LinkedHashMap<>();
        GGUFMutator.KINDS.forEach(k -> byKind.put(k, new EnumMap<>(Outcome.class)));
        Map<Outcome, List<String>> examples = new EnumMap<>(Outcome.class);
        Map<String, Integer> signatures = new LinkedHashMap<>(); // findings grouped by exception and place
        ExecutorService worker = newWorker();
        long start = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            GGUFMutator.Base base = bases.get(i % bases.size());
            GGUFMutator.Mutant m = GGUFMutator.mutate(base, random);
            String what = "case " + i + " of " + base.name() + " (" + m.kind() + "): " + m.description();
            Future<String[]> run = worker.submit(() -> runOne(m.bytes()));
            Outcome outcome;
            String detail = null;
            try {
                String[] r = run.get(timeoutSeconds, TimeUnit.SECONDS);
                outcome = Outcome.valueOf(r[0]);
                detail = r[1];
            } catch (TimeoutException e) {
                run.cancel(true);
                worker.shutdownNow();
                worker = newWorker(); // the stuck thread is a daemon: it cannot keep the JVM alive
                outcome = Outcome.HANG;
            } catch (ExecutionException e) {
                outcome = Outcome.UNEXPECTED_EXCEPTION;
                detail = trace(e.getCause());
            }
            counts.merge(outcome, 1, Integer::sum);
            byKind.get(m.kind()).merge(outcome, 1, Integer::sum);
            if (outcome != Outcome.CLEAN_ERROR && outcome != Outcome.LOADED) {
                signatures.merge(outcome + " " + signature(detail), 1, Integer::sum);
                List<String> list = examples.computeIfAbsent(outcome, o -> new ArrayList<>());
                if (list.size() < EXAMPLES) {
                    list.add(what + (detail != null ? "\n      " + detail.replace("\n", "\n      ") : ""));
                }
            }
            if ((i + 1) % 10_000 == 0) {
                System.out.printf(
                        Locale.ROOT, "  %,d cases, %.0f s, %s%n", i + 1, (System.nanoTime() - start) / 1e9, counts);
            }
        }
        worker.shutdownNow();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%n%,d mutants in %.1f s (%.0f per second)%n", cases, seconds, cases / seconds);
        for (Outcome o : Outcome.values()) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-21s %,9d%n",
                    o.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    counts.getOrDefault(o, 0));
        }
        System.out.println("by mutation:");
        byKind.forEach((kind, c) -> System.out.printf(Locale.ROOT, "  %-15s %s%n", kind, c));
        if (!signatures.isEmpty()) {
            System.out.println("findings by kind and place:");
            signatures.forEach((sig, n) -> System.out.printf(Locale.ROOT, "  %,7d  %s%n", n, sig));
        }
        examples.forEach((o, list) -> {
            System.out.println(o + ", first " + list.size() + ":");
            list.forEach(e -> System.out.println("  " + e));
        });
        int findings = cases - counts.getOrDefault(Outcome.CLEAN_ERROR, 0) - counts.getOrDefault(Outcome.LOADED, 0);
        System.out.println(findings == 0 ? "no findings" : findings + " findings");
        System.exit(findings == 0 ? 0 : 1);
    }

    /** The outcome of one mutant and, for a finding, what happened. */
    private static String[] runOne(byte[] bytes) {
        try (GGUFFile gguf = GGUFFile.read(MemorySegment.ofArray(bytes), NAME)) {
            InfoCommand.print(gguf, new PrintWriter(DISCARD));
            if (gguf.tensors().isEmpty()) {
                return new String[] {Outcome.LOADED.name(), null}; // a vocabulary: nothing more to build
            }
            LlamaModel model = LlamaModel.from(gguf, s -> {}); // closed with the file
            int window = Math.min(model.config().contextLength(), 16);
            try (InferenceEngine engine = Engines.create(model, window, "cpu", s -> {})) {
                engine.forward(model.tokenizer().bos(), 0);
            }
            return new String[] {Outcome.LOADED.name(), null};
        } catch (GGUFFormatException | IllegalArgumentException e) {
            boolean named = e.getMessage() != null && e.getMessage().contains(NAME);
            return named
                    ? new String[] {Outcome.CLEAN_ERROR.name(), null}
                    : new String[] {Outcome.UNEXPECTED_EXCEPTION.name(), "error without the file's name: " + trace(e)};
        } catch (OutOfMemoryError e) {
            return new String[] {Outcome.OUT_OF_MEMORY.name(), e.toString()};
        } catch (Exception e) {
            return new String[] {Outcome.UNEXPECTED_EXCEPTION.name(), trace(e)};
        }
    }

    /** The exception's class and the first frame that threw it: one line per distinct finding. */
    private static String signature(String detail) {
        if (detail == null) {
            return "";
        }
        String[] lines = detail.split("\n");
        String head = lines[0].replaceFirst(":.*", "");
        String frame = lines.length > 1 ? lines[1].strip() : "";
        return head + " " + frame;
    }

    private static String trace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        String[] lines = sw.toString().split("\n");
        return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, 8)));
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gguf-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    /** The shipped stories model, a quantized synthetic model with its vocabulary, and a vocabulary-only file. */
    private static List<GGUFMutator.Base> bases(Path models, Path testdata) throws Exception {
        List<GGUFMutator.Base> bases = new ArrayList<>();
        Path stories = models.resolve("stories260K.gguf");
        if (!Files.isRegularFile(stories)) {
            throw new IllegalArgumentException(stories + ": not found (run from the repository or pass --models DIR)");
        }
        bases.add(GGUFMutator.Base.of("stories260K", Files.readAllBytes(stories)));
        Path tmp = Files.createTempDirectory("gguf-fuzz");
        try {
            Path q8 = tmp.resolve("tiny-untied-q8_0.gguf");
            try (GGUFFile vocabulary = GGUFFile.open(stories)) {
                SyntheticModel.write(
                        SyntheticModel.preset("tiny-untied"),
                        SyntheticModel.TypeScheme.parse("q8_0"),
                        vocabulary,
                        1,
                        q8,
                        s -> {});
            }
            bases.add(GGUFMutator.Base.of("tiny-untied-q8_0", Files.readAllBytes(q8)));
            Path spm = testdata.resolve("llama2-tokenizer/tokenizer.model");
            if (Files.isRegularFile(spm)) {
                GGUFWriter w = new GGUFWriter().putString("general.architecture", "llama");
                VocabularyConverters.fromSentencePieceModel(spm, w);
                Path vocab = tmp.resolve("llama2-vocab.gguf");
                w.write(vocab);
                bases.add(GGUFMutator.Base.of("llama2-vocabulary", Files.readAllBytes(vocab)));
            } else {
                System.out.println("note: " + spm + " absent: no vocabulary-only base");
            }
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(tmp);
        }
        return bases;
    }
}
