package io.squall.model.accel;

import io.squall.api.enums.ProfilerMode;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Llama;
import io.squall.llama.Sampling;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import io.squall.model.sampling.Sampler;
import io.squall.model.sampling.SamplerSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Top-k sampling with the candidates picked on the device: the same k (id, logit) pairs as the host's top-k of the
 * copied logits, the same seeded tokens as the full-row sampler, and far fewer bytes back per token.
 */
class TopKSamplingTest {
    private static final int CONTEXT = 96;

    /** The full-row path over the same engine: no device top-k, so the generation loop samples forward()'s logits. */
    private record FullRow(InferenceEngine engine) implements InferenceEngine {
        public LlamaModel model() {
            return engine.model();
        }

        public int contextSize() {
            return engine.contextSize();
        }

        public float[] forward(int token, int pos) {
            return engine.forward(token, pos);
        }

        public float[] prefill(int[] tokens, int from, int count, int startPos) {
            return engine.prefill(tokens, from, count, startPos);
        }
    }

    private static String device(String which) {
        return which.equals("opencl") ? Devices.opencl() : "jvm";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl", "jvm"})
    void deviceCandidatesAreTheHostTopK(String which) throws IOException {
        String device = device(which);
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null);
                AcceleratedEngine acc = AcceleratedEngine.onDevice(model, CONTEXT, device, null)) {
            int k = 40;
            for (int pos = 0; pos < 4; pos++) {
                int token = (pos * 97 + 5) % model.config().vocabSize();
                float[] logits = acc.forward(token, pos).clone();
                int[] ids = new int[k];
                float[] values = new float[k];
                assertEquals(k, acc.forwardTopK(token, pos, k, ids, values), "candidates found");
                int[] hostIds = new int[k];
                float[] hostValues = new float[k];
                new FullRow(acc).forwardTopK(token, pos, k, hostIds, hostValues); // the interface's host selection
                assertArrayEquals(hostIds, ids, "top-k ids at " + pos + " on " + device);
                assertArrayEquals(hostValues, values, "top-k logits at " + pos + " on " + device);
                for (int j = 0; j < k; j++) {
                    assertEquals(logits[ids[j]], values[j], "logit of candidate " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl", "jvm"})
    void seededSamplingMatchesTheFullRowPathWithFewerBytes(String which) throws IOException {
        String device = device(which);
        try (LlamaModel model = LlamaModel.load(TestModels.stories(), null);
                AcceleratedEngine acc = AcceleratedEngine.onDevice(model, CONTEXT, device, null)) {
            acc.withProfiler(ProfilerMode.SILENT);
            int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
            for (SamplerSettings settings : List.of(
                    new SamplerSettings(0.9f, 40, 0.9f, 0.05f, 1f, 64, 42),
                    new SamplerSettings(1.5f, 12, 1f, 0f, 1f, 64, 7))) {
                assertTrue(
                        new Sampler(settings, model.config().vocabSize()).needsOnlyTopK(acc.topKCapacity()),
                        "device top-k path");
                int[] deviceTokens = generate(acc, prompt, settings);
                long topKBytes = acc.lastProfile().getTotalBytesCopyOut();

                int[] hostTokens = generate(new FullRow(acc), prompt, settings);
                long fullRowBytes = acc.lastProfile().getTotalBytesCopyOut();

                System.out.printf(
                        "%s, %s: %d tokens; bytes to the host per step: top-k %d, full row %d%n",
                        device, settings, deviceTokens.length, topKBytes, fullRowBytes);
                assertTrue(deviceTokens.length > 8, "generated " + Arrays.toString(deviceTokens));
                assertArrayEquals(hostTokens, deviceTokens, "seeded tokens, top-k on " + device + " vs full row");
                if (device.equals("jvm")) { // its device memory is the host's: nothing is copied either way
                    assertEquals(0, fullRowBytes + topKBytes, "JVM backend copies");
                    continue;
                }
                assertTrue(
                        fullRowBytes >= 4L * model.config().vocabSize(), "full row copies the logits: " + fullRowBytes);
                assertTrue(
                        topKBytes <= 4 + 8L * settings.topK(),
                        "top-k step copies the token and k pairs only: " + topKBytes);
            }
        }
    }

    /** 48 tokens after {@code prompt} from the library's generation loop on {@code engine}. */
    private static int[] generate(InferenceEngine engine, int[] prompt, SamplerSettings s) {
        Sampling sampling = Sampling.builder()
                .temperature(s.temperature())
                .topK(s.topK())
                .topP(s.topP())
                .minP(s.minP())
                .repeatPenalty(s.repeatPenalty())
                .repeatLastN(s.repeatLastN())
                .seed(s.seed())
                .build();
        try (Llama llama = Llama.onEngine(engine)) {
            return llama.generate(GenerationRequest.tokens(prompt)
                            .maxTokens(48)
                            .sampling(sampling)
                            .build())
                    .tokens();
        }
    }
}
