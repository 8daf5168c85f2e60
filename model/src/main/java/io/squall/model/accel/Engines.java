package io.squall.model.accel;

import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine for a {@code --device} value: {@code cpu} (the CPU engine), one device id ({@code opencl:0}, {@code jvm},
 * ...) for all layers, or a comma-separated list of device ids over which the layers are split evenly, in order
 * (e.g. {@code opencl:0,opencl:1}; {@code cpu} in the list runs its layers on the CPU engine).
 */
public final class Engines {
    private Engines() {
    }

    public static InferenceEngine create(LlamaModel model, int contextSize, String device, Consumer<String> progress) {
        String d = device.trim();
        if (d.equals("cpu")) {
            return new CpuEngine(model, contextSize);
        }
        return new AcceleratedEngine(model, contextSize, evenSplit(d, model.config().layers()), progress);
    }

    /** Layers split as evenly as possible over the listed devices (earlier devices take the remainder). */
    public static List<StageSpec> evenSplit(String deviceList, int layers) {
        String[] ids = deviceList.split(",");
        if (ids.length > layers) {
            throw new IllegalArgumentException("--device " + deviceList + ": " + ids.length + " devices for " + layers + " layers");
        }
        List<StageSpec> stages = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < ids.length; i++) {
            String id = ids[i].trim();
            if (id.isEmpty()) {
                throw new IllegalArgumentException("--device " + deviceList + ": empty device id at position " + (i + 1));
            }
            int count = layers / ids.length + (i < layers % ids.length ? 1 : 0);
            stages.add(new StageSpec(id, first, first + count));
            first += count;
        }
        return stages;
    }

    /** One line for the log: where the layers run. */
    public static String describe(InferenceEngine engine) {
        if (engine instanceof AcceleratedEngine a) {
            StringBuilder sb = new StringBuilder();
            for (StageSpec s : a.stages()) {
                sb.append(sb.isEmpty() ? "" : ", ").append(s.deviceId()).append(" layers ").append(s.firstLayer()).append("..").append(s.endLayer() - 1);
            }
            return sb.toString();
        }
        return "cpu, " + io.squall.model.tensor.Threads.count() + " threads";
    }
}
