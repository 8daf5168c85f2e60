package io.squall.model.cli;

import io.squall.model.gguf.GGUFArray;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFValue;
import io.squall.model.gguf.GGUFValueType;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.LlamaConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code llama info}: a GGUF file's metadata (long arrays summarized), Llama hyper-parameters and tensor table, then
 * whether Squall can run it and, if not, everything that is missing ({@link Runnability}).
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description =
                "Prints a GGUF file's metadata, hyper-parameters and tensors, and whether Squall can run it (if not, what is missing).")
public final class InfoCommand implements Callable<Integer> {
    private static final int SHOWN_ELEMENTS = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "GGUF file (default: the embedded model)")
    Path model;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (GGUFFile gguf = GGUFFile.open(LlamaCli.modelOrDefault(model))) {
            print(gguf, out);
        }
        return 0;
    }

    /** What {@code llama info} prints for an open file: text from the file escaped for a terminal. */
    public static void print(GGUFFile gguf, PrintWriter out) {
        out.printf(
                "file: %s%nGGUF version %d, alignment %d, data at offset %d, %d bytes%n",
                TerminalText.escape(gguf.name()), gguf.version(), gguf.alignment(), gguf.dataOffset(), gguf.fileSize());
        out.println();
        out.println("metadata (" + gguf.metadata().size() + " keys):");
        for (Map.Entry<String, GGUFValue> e : gguf.metadata().entrySet()) {
            out.println("  " + TerminalText.escape(e.getKey()) + " = " + describe(e.getValue()));
        }
        out.println();
        out.println("hyper-parameters:");
        if (gguf.tensors().isEmpty()) {
            out.println("  none: the file holds no tensors (vocabulary only)");
        } else {
            try {
                LlamaConfig c = LlamaConfig.fromModelFile(gguf);
                out.println("  " + c.describe());
            } catch (IllegalArgumentException ex) {
                out.println("  not a runnable llama model: " + TerminalText.escape(ex.getMessage()));
            }
        }
        out.println();
        out.println("tensors (" + gguf.tensors().size() + "):");
        long total = 0;
        for (TensorInfo t : gguf.tensors()) {
            out.printf(
                    "  %-32s %-5s %-20s offset %12d  %,14d bytes%n",
                    TerminalText.escape(t.name()), t.type(), Arrays.toString(t.dims()), t.offset(), t.byteSize());
            total += t.byteSize();
        }
        out.printf("  total %,d bytes%n", total);
        out.println();
        Runnability r = Runnability.of(gguf);
        if (r.runs()) {
            out.println("Squall can run this file (CPU engine: --device cpu).");
        } else {
            out.println("Squall cannot run this file; missing:");
            for (String p : r.problems()) {
                out.println("  - " + TerminalText.escape(p));
            }
        }
        for (String n : r.notes()) {
            out.println("  " + TerminalText.escape(n));
        }
        out.flush();
    }

    static String describe(GGUFValue v) {
        if (v.type() == GGUFValueType.ARRAY) {
            return describe((GGUFArray) v.value());
        }
        return v.type() == GGUFValueType.STRING ? quote((String) v.value()) : String.valueOf(v.value());
    }

    private static String describe(GGUFArray a) {
        int n = Array.getLength(a.values());
        StringBuilder sb = new StringBuilder("[")
                .append(a.elementType())
                .append(" x ")
                .append(n)
                .append(": ");
        for (int i = 0; i < Math.min(n, SHOWN_ELEMENTS); i++) {
            Object e = Array.get(a.values(), i);
            sb.append(i > 0 ? ", " : "")
                    .append(
                            e instanceof GGUFArray inner
                                    ? describe(inner)
                                    : e instanceof String s ? quote(s) : String.valueOf(e));
        }
        return sb.append(n > SHOWN_ELEMENTS ? ", ...]" : "]").toString();
    }

    private static String quote(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "... (" + s.length() + " chars)" : s;
        return "\"" + TerminalText.escape(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }
}
