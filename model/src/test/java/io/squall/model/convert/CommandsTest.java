package io.squall.model.convert;

import io.squall.model.gguf.GGUFFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CommandsTest {

    @TempDir
    Path dir;

    private static int run(Object command, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void convertLlama2cWritesTheModelAndRejectsBadTypes() throws Exception {
        assumeTrue(Files.isRegularFile(Llama2cConverterTest.CHECKPOINT), "testdata absent");
        Path out = dir.resolve("s.gguf");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        new ConvertLlama2cCommand(),
                        err,
                        "--checkpoint",
                        Llama2cConverterTest.CHECKPOINT.toString(),
                        "--tokenizer",
                        Llama2cConverterTest.TOKENIZER.toString(),
                        "--out",
                        out.toString(),
                        "--type",
                        "q8_0"));
        try (GGUFFile f = GGUFFile.open(out)) {
            assertEquals(7, f.getInt("general.file_type"));
            assertEquals("Q8_0", f.tensor("blk.0.attn_q.weight").type().name());
            assertEquals("F16", f.tensor("blk.0.ffn_down.weight").type().name(), "rows of 172 do not fill Q8_0 blocks");
        }
        err = new StringWriter();
        assertEquals(
                2,
                run(
                        new ConvertLlama2cCommand(),
                        err,
                        "--checkpoint",
                        "x.bin",
                        "--tokenizer",
                        "t.bin",
                        "--out",
                        "o.gguf",
                        "--type",
                        "q9_9"));
        assertTrue(err.toString().contains("unknown tensor type 'q9_9'"), err.toString());
        err = new StringWriter();
        assertEquals(0, run(new ConvertLlama2cCommand(), err, "--help"));
        assertTrue(err.toString().contains("--checkpoint"), err.toString());
    }

    @Test
    void syntheticWithOverrides() throws Exception {
        Path out = dir.resolve("syn.gguf");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        new SyntheticModelCommand(),
                        err,
                        "--preset",
                        "tiny",
                        "--type",
                        "q8_0",
                        "--layers",
                        "1",
                        "--vocab-size",
                        "64",
                        "--no-tied",
                        "--out",
                        out.toString()));
        try (GGUFFile f = GGUFFile.open(out)) {
            assertEquals(1, f.getInt("llama.block_count"));
            assertEquals(64, f.getInt("llama.vocab_size"));
            assertTrue(f.tensor("output.weight") != null);
        }
        err = new StringWriter();
        assertEquals(2, run(new SyntheticModelCommand(), err, "--preset", "huge", "--out", out.toString()));
        assertTrue(err.toString().contains("unknown preset 'huge'"), err.toString());
    }
}
