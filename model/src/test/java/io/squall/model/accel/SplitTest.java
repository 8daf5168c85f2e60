package io.squall.model.accel;

import io.squall.backend.opencl.driver.OpenCL;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Layer splits give the same greedy tokens as one device: device + CPU engine (both orders) in this JVM, and two
 * OpenCL devices in a forked JVM whose environment has POCL_DEVICES="pthread pthread" (the ICD loader and PoCL read
 * it once, when OpenCL is first used, so it cannot be set in a running JVM).
 */
class SplitTest {
    static final int[] PROMPT = {1, 403, 407};
    static final int TOKENS = 64;

    @Test
    void deviceAndCpuSplitsGiveTheSameTokensAsOneDevice() throws IOException {
        String device = Devices.opencl();
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            int[] expected = AcceleratedEngineTest.greedy(new CpuEngine(model, 128, false), PROMPT, TOKENS);
            for (String split : new String[] {device, device + ",cpu", "cpu," + device, "cpu," + device + ",cpu"}) {
                try (var engine = Engines.create(model, 128, split, null)) {
                    assertTrue(engine instanceof AcceleratedEngine, split);
                    assertArrayEquals(
                            expected, AcceleratedEngineTest.greedy(engine, PROMPT, TOKENS), "tokens on " + split);
                }
            }
        }
    }

    @Test
    void twoPoclDevicesGiveTheSameTokensAsOne() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        assumeTrue(
                OpenCL.platforms().stream().anyMatch(p -> p.name().toLowerCase().contains("portable")),
                "PoCL is not installed (POCL_DEVICES only applies to it)");
        Path model = TestModels.stories();
        String one = run(model, "opencl:0");
        String two = run(model, "opencl:0,opencl:1");
        assertTrue(two.contains("stages opencl:0 layers 0..2, opencl:1 layers 3..4"), two);
        assertEquals(tokens(one), tokens(two));
    }

    private static String tokens(String output) {
        return Arrays.stream(output.split("\n"))
                .filter(l -> l.startsWith("tokens "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no tokens line in:\n" + output));
    }

    private static String run(Path model, String device) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                SplitGenerationMain.class.getName(),
                model.toString(),
                device,
                "128",
                Integer.toString(TOKENS),
                Arrays.stream(PROMPT)
                        .mapToObj(Integer::toString)
                        .reduce((a, b) -> a + "," + b)
                        .orElseThrow()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("POCL_DEVICES", "pthread pthread");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "forked JVM for " + device + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "forked JVM for " + device + " failed:\n" + text);
        return text;
    }
}
