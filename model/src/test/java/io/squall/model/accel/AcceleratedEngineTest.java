package io.squall.model.accel;

import io.squall.device.placement.Stage;
import io.squall.kernels.format.BlockFormat;
import io.squall.kernels.graphs.LlamaGraphs;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accelerated engine against the CPU engine: logits within a tolerance relative to the largest logit (the two
 * sum in different orders in float; measured differences are ~1e-6 of it), and greedy generations token for token.
 */
class AcceleratedEngineTest {
    /** Relative to the largest |logit|: float summation-order differences only. */
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static List<String> devices() {
        return Devices.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void storiesLogitsAndGreedyTokensMatchTheCpuEngine(String device) throws IOException {
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null)) {
            compare(model, device, 96);
        }
    }

    /** Every type with one scheme (as llama-quantize --pure) and the K mixes, on every OpenCL device. */
    static List<Arguments> typesOnOpenCL() {
        List<Arguments> args = new ArrayList<>();
        for (String device : Devices.openclOrSkip()) {
            for (String type : EVERY_TYPE) {
                args.add(Arguments.of(device, type));
            }
        }
        return args;
    }

    static final List<String> EVERY_TYPE = List.of(
            "f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "iq4_nl", "q2_k", "q3_k", "q4_k", "q5_k",
            "q6_k", "iq4_xs", "q3_k_m", "q4_k_m");

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("typesOnOpenCL")
    void syntheticModelsInEveryTensorTypeMatchOnOpenCL(String device, String type) throws IOException {
        Devices.opencl(); // a skip when there is no OpenCL device
        try (LlamaModel model = LlamaModel.load(synthetic(type), null)) {
            compare(model, device, 72);
        }
    }

    /** The JVM backend runs the kernels' Java code itself (each format's switch case as written). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"q8_0", "q4_1", "q5_0", "q5_1", "iq4_nl", "q2_k", "q3_k", "q5_k", "iq4_xs"})
    void syntheticModelsOnTheJvmBackend(String type) throws IOException {
        try (LlamaModel model = LlamaModel.load(synthetic(type), null)) {
            compare(model, "jvm", 72);
        }
    }

    /** The GPU layout of the products (work-group lanes per row) through the whole engine, on a CPU OpenCL device. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"q8_0", "q4_k_m", "q3_k_m"})
    void laneLayoutMatchesOnOpenCL(String type) throws IOException {
        String device = Devices.opencl();
        try (LlamaModel model = LlamaModel.load(synthetic(type), null)) {
            compare(model, device, 72, LlamaGraphs.MatVecShape.LANES);
        }
    }

    /** Every type the CPU engine runs has device kernels; a type without them is refused by name, naming the tensor. */
    @Test
    void everyCpuTypeHasDeviceKernelsAndOthersAreRefusedClearly() {
        for (GGMLType t : GGMLType.values()) {
            if (WeightMatrix.supports(t)) {
                assertTrue(AcceleratedEngine.devicesSupport(t), t + " has no device kernels");
            }
        }
        assertFalse(AcceleratedEngine.devicesSupport(GGMLType.IQ2_XXS));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BlockFormat.forKernels(GGMLType.IQ2_XXS.name(), "blk.0.attn_q.weight"));
        assertTrue(
                e.getMessage()
                                .contains(
                                        "tensor 'blk.0.attn_q.weight': type IQ2_XXS not yet supported on accelerated devices")
                        && e.getMessage().contains("IQ4_XS"),
                e.getMessage());
    }

    /** Llama-3-style: GQA 8/2, rope base 500000 with 3.1 frequency factors, untied classifier; tiny shapes. */
    private Path synthetic(String type) throws IOException {
        return TestModels.writeSynthetic(dir, type, 512, 11);
    }

    /** Teacher-forced logits over 8 positions, then 64 greedy tokens from both engines. */
    static void compare(LlamaModel model, String device, int context) {
        compare(model, device, context, null);
    }

    static void compare(LlamaModel model, String device, int context, LlamaGraphs.MatVecShape shape) {
        CpuEngine cpu = new CpuEngine(model, context, false); // float activations, as the devices
        try (AcceleratedEngine acc = new AcceleratedEngine(
                model, context, List.of(new Stage(device, 0, model.config().layers())), null, null, null, shape)) {
            double worst = 0, scale = 0;
            for (int pos = 0; pos < 8; pos++) {
                int token = (pos * 97 + 5) % model.config().vocabSize();
                float[] expected = cpu.forward(token, pos).clone();
                float[] actual = acc.forward(token, pos);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
            }
            System.out.printf(
                    "%s on %s: largest logit difference %.3g (largest logit %.3g)%n",
                    model.config().describe(), device, worst, scale);
            assertTrue(
                    worst <= TOLERANCE * scale,
                    device + ": largest logit difference " + worst + " > " + TOLERANCE + " x " + scale);
            int[] prompt = {model.tokenizer().bos(), 5, 17};
            assertArrayEquals(greedy(cpu, prompt, 64), greedy(acc, prompt, 64), "greedy tokens on " + device);
        }
    }

    /** Greedy continuation, the engine choosing each token (on the device for the accelerated one). */
    static int[] greedy(InferenceEngine engine, int[] prompt, int n) {
        float[] logits = engine.prefill(prompt, 0, prompt.length, 0);
        int token = argmax(logits);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = token;
            if (i + 1 < n) {
                token = engine.forwardGreedy(token, prompt.length + i);
            }
        }
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
