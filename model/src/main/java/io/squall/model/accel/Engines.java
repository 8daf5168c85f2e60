package io.squall.model.accel;

import io.squall.device.placement.DeviceMap;
import io.squall.device.placement.ModelFootprint;
import io.squall.device.placement.Placement;
import io.squall.device.placement.Stage;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.llama.CpuEngine;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.LlamaConfig;
import io.squall.model.llama.LlamaFootprint;
import io.squall.model.llama.LlamaModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine for a {@code --device} value, through the device-selection layer (io.squall.device.placement):
 * {@code cpu} (the CPU engine), one device id ({@code opencl:0}, {@code jvm}, ...) for all layers, a comma-separated
 * list of device ids over which the layers are split evenly in order ({@code cpu} in the list runs its layers on the
 * CPU engine), {@code auto} (devices.json under squall.home, else automatic), or a path to a devices.json file.
 */
public final class Engines {
    private Engines() {}

    public static InferenceEngine create(LlamaModel model, int contextSize, String device, Consumer<String> progress) {
        Placement p = place(model, contextSize, device);
        if (p.cpuOnly()) {
            return new CpuEngine(model, contextSize);
        }
        List<Stage> stages = p.stages().stream().map(s -> s).toList();
        return new AcceleratedEngine(model, contextSize, stages, p.embeddingDevice(), p.outputDevice(), progress, null);
    }

    /** Where {@code device} (a --device value) puts the model's parts, checked against the devices found. */
    public static Placement place(LlamaModel model, int contextSize, String device) {
        return place(model.gguf(), model.config(), contextSize, device);
    }

    /** {@link #place(LlamaModel, int, String)} from the model file and its configuration (before the model loads). */
    public static Placement place(GGUFFile gguf, LlamaConfig c, int contextSize, String device) {
        Map<String, Long> sizes = new HashMap<>();
        gguf.tensors().forEach(t -> sizes.put(t.name(), t.byteSize()));
        ModelFootprint footprint = LlamaFootprint.of(
                sizes, c.layers(), c.dim(), c.ffnDim(), c.heads(), c.kvDim(), c.vocabSize(), c.ropeDims(), contextSize);
        Path devicesJson = Path.of(System.getProperty("squall.home", "."), "devices.json");
        return DeviceMap.fromDeviceOption(device, devicesJson).place(footprint);
    }

    /** Layers split as evenly (the same rule as the placement layer's device lists; used by the benchmark) as possible over the listed devices (earlier devices take the remainder). */
    public static List<Stage> evenSplit(String deviceList, int layers) {
        String[] ids = deviceList.split(",");
        if (ids.length > layers) {
            throw new IllegalArgumentException(
                    "--device " + deviceList + ": " + ids.length + " devices for " + layers + " layers");
        }
        List<Stage> stages = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < ids.length; i++) {
            String id = ids[i].trim();
            if (id.isEmpty()) {
                throw new IllegalArgumentException(
                        "--device " + deviceList + ": empty device id at position " + (i + 1));
            }
            int count = layers / ids.length + (i < layers % ids.length ? 1 : 0);
            stages.add(new Stage(id, first, first + count));
            first += count;
        }
        return stages;
    }

    /** One line for the log: where the layers run. */
    public static String describe(InferenceEngine engine) {
        if (engine instanceof AcceleratedEngine a) {
            StringBuilder sb = new StringBuilder();
            for (Stage s : a.stages()) {
                sb.append(sb.isEmpty() ? "" : ", ")
                        .append(s.deviceId())
                        .append(" layers ")
                        .append(s.firstLayer())
                        .append("..")
                        .append(s.endLayer() - 1);
            }
            return sb.toString();
        }
        return "cpu, " + io.squall.model.tensor.Threads.count() + " threads";
    }
}
