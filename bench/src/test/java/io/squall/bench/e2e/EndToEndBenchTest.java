package io.squall.bench.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The benchmark harness on the embedded model (tiny runs: this checks the harness, it measures nothing). */
class EndToEndBenchTest {
    @TempDir
    static Path cacheDir;

    @BeforeAll
    static void privateCache() {
        System.setProperty("squall.cacheDir", cacheDir.toString()); // bandwidth.json goes here, not to ~/.cache
    }

    static Path stories() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void measuresCpuAndJvmAndWritesTableAndChart(@TempDir Path dir) throws IOException {
        Path model = stories();
        assumeTrue(model != null, "models/stories260K.gguf not found above the working directory");
        EndToEndBench.Result cpu = EndToEndBench.run(model, "cpu", 4, 4, 1);
        assertNull(cpu.error());
        assertTrue(cpu.promptTps() > 0 && cpu.genTps() > 0 && cpu.ttftMs() > 0, cpu.toString());
        assertEquals(0, cpu.kernelsCompiled(), "the CPU engine compiles no kernels");
        assertTrue(cpu.boundTps() > 0 && cpu.fractionOfBound() > 0, cpu.toString());
        assertTrue(
                cpu.weightBytesPerToken() > 800_000 && cpu.weightBytesPerToken() < 1_200_000,
                "stories260K reads about 1 MB per token");

        EndToEndBench.Result jvm = EndToEndBench.run(model, "jvm", 4, 4, 1);
        assertNull(jvm.error(), jvm.error());
        assertEquals("jvm [0-5)", jvm.devices());
        assertTrue(jvm.genTps() > 0, jvm.toString());
        assertTrue(
                Files.readString(cacheDir.resolve("bandwidth.json")).contains("jvm"),
                "the JVM's bandwidth was measured and the cache refreshed");

        EndToEndBench.Result split = EndToEndBench.run(model, "jvm,cpu", 4, 4, 1);
        assertNull(split.error(), split.error());
        assertEquals("jvm [0-3) + cpu [3-5)", split.devices());
        assertTrue(split.bandwidths().startsWith("jvm ") && split.bandwidths().contains(", cpu "), split.bandwidths());
        assertEquals(cpu.weightBytesPerToken(), split.weightBytesPerToken(), "a split reads the same weights");

        EndToEndBench.Result failed = new EndToEndBench.Result(
                "opencl:9",
                "m.gguf",
                "opencl:9 [0-5)",
                2,
                4,
                4,
                1,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                "",
                "unknown device 'opencl:9'");
        Path jsonl = dir.resolve("results.jsonl");
        for (EndToEndBench.Result r : List.of(cpu, jvm, failed)) {
            Files.writeString(
                    jsonl,
                    EndToEndBench.JSON.writeValueAsString(r) + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        List<EndToEndBench.Result> back = EndToEndBench.read(jsonl);
        assertEquals(List.of(cpu, jvm, failed), back);
        String table = EndToEndBench.table(back);
        assertTrue(table.contains("| cpu | cpu [0-5) |"), table);
        assertTrue(table.contains("| opencl:9 | opencl:9 [0-5) | failed: unknown device 'opencl:9' |"), table);

        Path png = dir.resolve("chart.png");
        BarChart.write(back, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(460, img.getHeight());
        // bars stand on the axis: the first slot's prompt bar (CPU engine) and generation bar, and no bar for the
        // failed run
        int slot = (560 - 120) / 3, axis = 460 - 120;
        assertEquals(0x4C72B0, img.getRGB(60 + slot / 2, axis - 3) & 0xFFFFFF);
        assertEquals(0xDD8452, img.getRGB(560 + 60 + slot / 2, axis - 3) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(60 + 2 * slot + slot / 2, axis - 3) & 0xFFFFFF);
    }

    @Test
    void figuresAreTheMeanAndSampleStandardDeviationOfTheRuns() {
        assertEquals(2.0, EndToEndBench.mean(new double[] {1, 3}));
        assertEquals(Math.sqrt(2), EndToEndBench.spread(new double[] {1, 3}), 1e-12);
        assertEquals(0.0, EndToEndBench.spread(new double[] {5}), "one run has no spread");
    }

    @Test
    void llamaCppLineBecomesARowWithTheCpuBound(@TempDir Path dir) throws IOException {
        Path model = stories();
        assumeTrue(model != null, "models/stories260K.gguf not found above the working directory");
        EndToEndBench.Result r = EndToEndBench.llamaCpp(model, """
                {"type":"","engine":"llama.cpp (node-llama-cpp 3.22.1)","threads":2,"promptTokens":16,"promptTokensPerSecond":120.5,
                "generatedTokens":16,"generationTokensPerSecond":60.25,"runs":3,"promptTokensPerSecondMean":110.0,
                "promptTokensPerSecondSpread":4.5,"generationTokensPerSecondMean":55.0,"generationTokensPerSecondSpread":2.5}""");
        assertEquals("llama.cpp", r.config());
        assertEquals(110.0, r.promptTps());
        assertEquals(4.5, r.promptSpread());
        assertEquals(55.0, r.genTps());
        assertEquals(2.5, r.genSpread());
        assertEquals(3, r.runs());
        assertTrue(r.boundTps() > 0 && Math.abs(r.fractionOfBound() - 55.0 / r.boundTps()) < 1e-9, r.toString());
        String table = EndToEndBench.table(List.of(r));
        assertTrue(
                table.contains(
                        "| llama.cpp | llama.cpp (node-llama-cpp 3.22.1), CPU | 110.00 +- 4.50 | 55.00 +- 2.50 |"),
                table);
    }

    @Test
    void defaultConfigurationsStartWithTheCpuEngine() {
        List<String> configs = EndToEndBench.configurations(true);
        assertEquals("cpu", configs.getFirst());
        assertTrue(configs.contains("jvm"));
        assertTrue(!EndToEndBench.configurations(false).contains("jvm"));
    }
}
