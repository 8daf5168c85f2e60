package io.squall.device.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.ToLongFunction;

/**
 * Auto placement's decision, without its explanation ({@link AutoExplanation} renders that): ranks the candidate devices
 * (type GPU > accelerator > CPU, then measured bandwidth, then usable memory), puts the whole model on the best device
 * that holds it, else splits the layers in rank order with the rest on the CPU engine when {@code cpuOffload} allows.
 */
final class AutoPlacement {
    /** A candidate with what ranks it. */
    record Ranked(DeviceCandidate device, double bandwidth, long usable) {}

    /** How the model was placed. */
    sealed interface Choice {
        /** All of it on one device, which needs {@code need} bytes; {@code best} when it is the best-ranked device. */
        record Whole(Ranked device, long need, boolean best) implements Choice {}

        /** No GPU or accelerator: the CPU engine runs everything. */
        record CpuOnly() implements Choice {}

        /** No single device holds the model's {@code modelBytes} (with its KV cache): layers split in rank order. */
        record Split(long modelBytes, boolean cpuOffload) implements Choice {}
    }

    /** What the split did besides placing layers, in the order it happened. */
    sealed interface Note {
        /** The embedding table went to the CPU engine to leave {@code device} room for layers. */
        record EmbeddingOnCpu(long embeddingBytes, String device) implements Note {}

        /** {@code device} had {@code left} bytes, less than one layer's {@code layerBytes}: it got none. */
        record TooSmall(String device, long layerBytes, long left) implements Note {}
    }

    /**
     * @param ranked the candidates, best first
     * @param ignored devices auto left out (CPU-type devices when no device list was given), described
     */
    record Decision(
            List<Ranked> ranked,
            List<String> ignored,
            Choice choice,
            List<Note> notes,
            List<Stage> stages,
            String embedding,
            String output) {}

    private final DeviceMap map;
    private final ModelFootprint model;
    private final DeviceCatalog catalog;
    private final ToLongFunction<DeviceCandidate> usable;

    /** @param usable the memory a placement may use on a device (free memory less the headroom) */
    AutoPlacement(DeviceMap map, ModelFootprint model, DeviceCatalog catalog, ToLongFunction<DeviceCandidate> usable) {
        this.map = map;
        this.model = model;
        this.catalog = catalog;
        this.usable = usable;
    }

    Decision decide() {
        List<DeviceCandidate> candidates = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        if (!map.deviceEntries().isEmpty()) {
            for (DeviceMap.DeviceEntry e : map.deviceEntries()) {
                candidates.add(catalog.find(e.id()));
            }
        } else {
            for (DeviceCandidate d : catalog.devices()) {
                if (d.typeRank() <= 1) {
                    candidates.add(d);
                } else {
                    ignored.add(d.id() + " " + d.name() + " (" + d.type() + ")");
                }
            }
        }
        boolean measure = candidates.size() > 1;
        List<Ranked> ranked = new ArrayList<>();
        for (DeviceCandidate d : candidates) {
            ranked.add(new Ranked(d, measure ? catalog.bandwidth(d) : d.bandwidth(), usable.applyAsLong(d)));
        }
        ranked.sort(Comparator.comparingInt((Ranked r) -> r.device().typeRank())
                .thenComparing(Comparator.comparingDouble(Ranked::bandwidth).reversed())
                .thenComparing(Comparator.comparingLong(Ranked::usable).reversed()));

        String embeddingOverride = map.embedding();
        String outputOverride = map.output();
        int layers = model.layers();
        // 1. The best device that holds the whole model.
        for (Ranked r : ranked) {
            String id = r.device().id();
            long need = model.layerBytes(0, layers)
                    + model.activationBytes()
                    + (embeddingOverride == null || embeddingOverride.equals(id) ? model.embeddingBytes() : 0)
                    + (outputOverride == null || outputOverride.equals(id) ? model.outputBytes() : 0);
            if (need <= r.usable()) {
                return new Decision(
                        ranked,
                        ignored,
                        new Choice.Whole(r, need, r == ranked.getFirst()),
                        List.of(),
                        List.of(new Stage(id, 0, layers)),
                        orDefault(embeddingOverride, id),
                        orDefault(outputOverride, id));
            }
        }
        // 2. Split in rank order, the rest on the CPU engine.
        Choice choice;
        if (ranked.isEmpty()) {
            if (!map.cpuOffload()) {
                throw map.error(
                        "cpuOffload",
                        "is false but no GPU or accelerator was found to run the model (" + "devices: "
                                + Planner.describeAll(catalog) + ")");
            }
            choice = new Choice.CpuOnly();
        } else {
            choice = new Choice.Split(
                    model.weightBytes() + model.kvBytesPerLayer() * layers + model.activationBytes(), map.cpuOffload());
        }
        List<Note> notes = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        String embedding = embeddingOverride;
        String output = outputOverride;
        int next = 0;
        for (Ranked r : ranked) {
            if (next == layers) {
                break;
            }
            String id = r.device().id();
            long budget = r.usable() - model.activationBytes();
            if (embedding == null && stages.isEmpty()) {
                if (budget - model.embeddingBytes() >= model.layerBytes(next, next + 1)) {
                    embedding = id;
                    budget -= model.embeddingBytes();
                } else {
                    embedding = Stage.CPU;
                    notes.add(new Note.EmbeddingOnCpu(model.embeddingBytes(), id));
                }
            } else if (id.equals(embedding)) {
                budget -= model.embeddingBytes();
            }
            if (id.equals(outputOverride)) {
                budget -= model.outputBytes();
            }
            int fit = fitting(next, budget);
            if (next + fit == layers && output == null) {
                int withOutput = fitting(next, budget - model.outputBytes());
                if (next + withOutput == layers) {
                    output = id;
                } else {
                    fit = Math.min(
                            fit, layers - next - 1); // leave a layer for the next stage, which takes the output head
                }
            }
            if (fit <= 0) {
                notes.add(new Note.TooSmall(id, model.layerBytes(next, next + 1), Math.max(0, budget)));
                continue;
            }
            stages.add(new Stage(id, next, next + fit));
            next += fit;
        }
        if (next < layers) {
            if (!map.cpuOffload()) {
                throw map.error(
                        "",
                        "the model does not fit the devices and cpuOffload is false: layers " + next + "-" + layers
                                + " (" + Bytes.format(model.layerBytes(next, layers))
                                + " with their KV cache) have no room; "
                                + "devices: " + describeUsable(ranked));
            }
            stages.add(new Stage(Stage.CPU, next, layers));
        }
        if (embedding == null) {
            embedding = stages.getFirst().deviceId();
        }
        if (output == null) {
            output = stages.getLast().deviceId();
        }
        return new Decision(ranked, ignored, choice, notes, stages, embedding, output);
    }

    private static String orDefault(String override, String id) {
        return override != null ? override : id;
    }

    /** How many layers from {@code first} fit in {@code budget} bytes. */
    private int fitting(int first, long budget) {
        int n = 0;
        long used = 0;
        for (int i = first; i < model.layers(); i++) {
            used += model.layerBytes(i, i + 1);
            if (used > budget) {
                break;
            }
            n++;
        }
        return n;
    }

    private static String describeUsable(List<Ranked> ranked) {
        StringJoiner j = new StringJoiner(", ");
        ranked.forEach(r -> j.add(r.device().id() + " " + Bytes.format(r.usable()) + " usable"));
        return j.length() == 0 ? "none" : j.toString();
    }
}
