package io.squall.model.cli;

import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code llama --explain-placement}: the placement for --device, from metadata only, and devices.json errors. */
class ExplainPlacementTest {
    @TempDir
    Path dir;

    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = LlamaCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void explainsSplitsAndCpu() {
        String model = TestModels.stories().toString();
        String[] r = run("--model", model, "--device", "cpu", "--explain-placement");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("placement from --device cpu: 5 layers"), r[1]);
        assertTrue(r[1].contains("cpu (the CPU engine): layers 0-5 (5 layers), embedding, output head"), r[1]);
        r = run("--model", model, "--device", "jvm,cpu", "--explain-placement", "--ctx-size", "64");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("context window 64 tokens"), r[1]);
        assertTrue(r[1].contains("jvm ") && r[1].contains("layers 0-3 (3 layers), embedding"), r[1]);
        assertTrue(r[1].contains("cpu (the CPU engine): layers 3-5 (2 layers), output head"), r[1]);
    }

    @Test
    void devicesJsonErrorsNameTheJsonPath() throws IOException {
        Path json = dir.resolve("devices.json");
        Files.writeString(
                json,
                "{\"stages\": [{\"device\": \"cpu\", \"layers\": \"0-3\"}, {\"device\": \"jvm\", \"layers\": \"2-5\"}]}");
        String[] r =
                run("--model", TestModels.stories().toString(), "--device", json.toString(), "--explain-placement");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(json + ": stages[1].layers \"2-5\" overlaps stages[0] \"0-3\""), r[2]);
        Files.writeString(json, "{\"stages\": [{\"device\": \"cpu\", \"layers\": \"0-3\"}]}");
        r = run("--model", TestModels.stories().toString(), "--device", json.toString(), "--explain-placement");
        assertTrue(r[2].contains(json + ": stages layers 3-5 (end exclusive) are not placed"), r[2]);
    }
}
