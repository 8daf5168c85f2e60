package io.squall.device.placement;

import io.squall.device.Devices;
import io.squall.exec.KernelCache;
import io.squall.model.accel.Engines;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The FPGA flow with the real transformer kernels, on PoCL: the accelerated engine's kernels are emitted as OpenCL C,
 * built ahead of time with the device's driver, and the engine then runs from those binaries with JIT disabled in
 * devices.json, generating the same greedy tokens as the CPU engine without compiling any kernel from source.
 */
class LlamaAotFlowTest {
    static final int CONTEXT = 48, TOKENS = 24;

    static int[] greedy(InferenceEngine engine) {
        int[] out = new int[TOKENS];
        int token = 1;
        for (int pos = 0; pos < TOKENS; pos++) {
            token = engine.forwardGreedy(token, pos);
            out[pos] = token;
        }
        return out;
    }

    @Test
    void storiesRunsFromPrecompiledBinaries(@TempDir Path dir) throws IOException {
        assumeTrue(
                !Devices.backend("opencl").devices().isEmpty(),
                "no OpenCL device (PoCL): " + Devices.backend("opencl").unavailableReason());
        Path src = dir.resolve("src"), bin = dir.resolve("aot");
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            int[] expected = greedy(new CpuEngine(model, CONTEXT, false));

            // 1. emit every kernel the engine uses on opencl:0 (what `tornado --emit opencl --out src` does)
            System.setProperty(RuntimeOptions.EMIT, "opencl");
            System.setProperty(RuntimeOptions.EMIT_DIR, src.toString());
            try (InferenceEngine e = Engines.create(model, CONTEXT, "opencl:0", null)) {
                greedy(e);
            } finally {
                System.clearProperty(RuntimeOptions.EMIT);
                System.clearProperty(RuntimeOptions.EMIT_DIR);
            }
            long kernels;
            try (Stream<Path> s = Files.list(src)) {
                kernels = s.filter(p -> p.toString().endsWith(".cl")).count();
            }
            assertTrue(kernels >= 5, "the engine's kernels were emitted: " + kernels);

            // 2. build them ahead of time
            assertEquals(
                    kernels, AotBuild.build("opencl:0", src, bin, false, null).size());

            // 3. run from the binaries, JIT disabled
            Path json = dir.resolve("devices.json");
            Files.writeString(json, """
                    {"devices": [{"id": "opencl:0", "binaries": "aot", "jit": false}],
                     "stages": [{"device": "opencl:0", "layers": "all"}]}""");
            long sourceBuilds = KernelCache.deviceBuilds(), loads = KernelCache.binaryLoads();
            int[] actual;
            // `llama --device devices.json`: placing the model installs the map's binaries
            try (InferenceEngine e = Engines.create(model, CONTEXT, json.toString(), null)) {
                actual = greedy(e);
            } finally {
                DeviceMap.load(json).installKernelBinaries().close(); // back to compiling for the other tests
            }
            assertEquals(sourceBuilds, KernelCache.deviceBuilds(), "no kernel compiled from source");
            // tasks that run the same kernel (one per layer) share one load, as they share one build
            assertTrue(KernelCache.binaryLoads() - loads > 0, "the kernels came from the binaries");
            assertArrayEquals(expected, actual, "greedy tokens from the binaries match the CPU engine");
        }
    }
}
