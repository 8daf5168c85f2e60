package io.squall.model.accel;

import io.squall.exec.KernelCache;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AcceleratedEngine.precompileAhead, which compiles from the model file's configuration alone while the model loads,
 * compiles the very kernels the engine then runs: after it, building the engine, a batched prompt and greedy decoding
 * compile nothing more; and the engine still generates the CPU engine's tokens.
 */
class PrecompileAheadTest {
    /**
     * --device values whose kernels are compiled (the JVM backend runs the Java code as it is): each OpenCL device
     * alone, and the first with the CPU engine taking the last layers and the classifier.
     */
    static List<String> devices() {
        List<String> ids = new java.util.ArrayList<>(Devices.openclOrSkip());
        ids.add(ids.getFirst() + ",cpu");
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void theEngineFindsEveryKernelCompiled(String device) throws IOException, InterruptedException {
        Devices.opencl(); // a skip when there is no OpenCL device
        int window = 64;
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            KernelCache.clear(); // what other tests compiled would make the counts below say nothing
            long jits = KernelCache.jitCompilations();
            Thread ahead = AcceleratedEngine.precompileAhead(model.gguf(), model.config(), window, device);
            assertNotNull(ahead, "a device placement compiles ahead");
            ahead.join();
            assertTrue(KernelCache.jitCompilations() > jits, "precompileAhead compiled the kernels");
            jits = KernelCache.jitCompilations();
            long builds = KernelCache.deviceBuilds();
            int[] prompt = {1, 403, 407, 261, 378, 100, 300, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
            }; // 18: a chunk and a bit
            int[] tokens = new int[6];
            int[] expected = new int[6];
            try (io.squall.model.llama.InferenceEngine engine = Engines.create(model, window, device, null)) {
                generate(engine, prompt, tokens);
            }
            assertEquals(jits, KernelCache.jitCompilations(), "JIT compilations after precompileAhead on " + device);
            assertEquals(builds, KernelCache.deviceBuilds(), "device builds after precompileAhead on " + device);
            try (CpuEngine cpu = new CpuEngine(model, window)) {
                generate(cpu, prompt, expected);
            }
            assertArrayEquals(expected, tokens, "greedy tokens on " + device + " against the CPU engine");
        }
    }

    private static void generate(io.squall.model.llama.InferenceEngine engine, int[] prompt, int[] out) {
        engine.prefill(prompt, 0, prompt.length - 1, 0);
        int token = prompt[prompt.length - 1];
        for (int i = 0; i < out.length; i++) {
            token = engine.forwardGreedy(token, prompt.length - 1 + i);
            out[i] = token;
        }
    }
}
