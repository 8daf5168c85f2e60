package io.squall.device.placement;


import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Turns a {@link DeviceMap} into a {@link Placement} for one model and one set of devices (one call). */
final class Planner {
    private final DeviceMap map;
    private final ModelFootprint model;
    private final DeviceCatalog catalog;
    private final StringBuilder why = new StringBuilder();

    Planner(DeviceMap map, ModelFootprint model, DeviceCatalog catalog) {
        this.map = map;
        this.model = model;
        this.catalog = catalog;
    }

    Placement plan() {
        for (DeviceMap.DeviceEntry e : map.deviceEntries()) {
            requireDevice(e.id(), e.path() + ".id");
        }
        why.append(map.isAuto() ? "auto placement" : "placement").append(" from ").append(map.source()).append(": ")
                .append(describeModel()).append('\n');
        Placement p = map.isAuto() ? auto() : explicit();
        checkFit(p);
        return p;
    }

    // ---------------------------------------------------------------- explicit stages

    private Placement explicit() {
        int layers = model.layers();
        List<DeviceMap.StageSpec> specs = new ArrayList<>(map.stageSpecs(layers));
        for (DeviceMap.StageSpec s : specs) {
            if (!s.device().equals(Stage.CPU)) {
                requireDevice(s.device(), s.path().startsWith("device[") ? s.path() : s.path() + ".device");
            }
            if (s.end() > layers || s.first() >= layers) {
                throw map.error(s.path() + ".layers", "\"" + s.text() + "\" goes beyond the model's " + layers
                        + " layers (0-" + layers + ", end exclusive)");
            }
        }
        specs.sort(Comparator.comparingInt(DeviceMap.StageSpec::first));
        List<Stage> stages = new ArrayList<>();
        int next = 0;
        for (DeviceMap.StageSpec s : specs) {
            if (s.first() > next) {
                throw missing(next, s.first(), specs);
            }
            stages.add(new Stage(s.device(), s.first(), s.resolvedEnd(layers)));
            next = s.resolvedEnd(layers);
        }
        if (next < layers) {
            throw missing(next, layers, specs);
        }
        String embedding = map.embedding() != null ? map.embedding() : stages.getFirst().deviceId();
        String output = map.output() != null ? map.output() : stages.getLast().deviceId();
        if (map.embedding() != null && !embedding.equals(Stage.CPU)) {
            requireDevice(embedding, "embedding");
        }
        if (map.output() != null && !output.equals(Stage.CPU)) {
            requireDevice(output, "output");
        }
        Placement draft = new Placement(stages, embedding, output, "");
        describeStages(draft);
        return new Placement(stages, embedding, output, why.toString().stripTrailing());
    }

    private DeviceMapException missing(int from, int to, List<DeviceMap.StageSpec> sorted) {
        StringJoiner covered = new StringJoiner(", ");
        sorted.forEach(s -> covered.add(s.first() + "-" + s.resolvedEnd(model.layers())));
        String which = to - from == 1 ? "layer " + from + " is" : "layers " + from + "-" + to + " (end exclusive) are";
        return map.error("stages", which + " not placed: the stages cover " + covered + " of the model's " + model.layers()
                + " layers (0-" + model.layers() + "; ranges are end exclusive, \"0-16\" = layers 0..15)");
    }

    // ---------------------------------------------------------------- auto

    private record Ranked(DeviceCandidate device, double bandwidth, long usable) {
    }

    private Placement auto() {
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
            ranked.add(new Ranked(d, measure ? catalog.bandwidth(d) : d.bandwidth(), usable(d)));
        }
        ranked.sort(Comparator.comparingInt((Ranked r) -> r.device().typeRank())
                .thenComparing(Comparator.comparingDouble(Ranked::bandwidth).reversed())
                .thenComparing(Comparator.comparingLong(Ranked::usable).reversed()));
        if (ranked.isEmpty()) {
            why.append("  no GPU or accelerator found");
        } else {
            why.append("  devices, best first (type GPU > accelerator > CPU, then measured bandwidth, then free memory):");
            for (int i = 0; i < ranked.size(); i++) {
                Ranked r = ranked.get(i);
                why.append("\n    ").append(i + 1).append(". ").append(r.device().describe()).append(": ")
                        .append(Bytes.format(r.usable())).append(" usable, ")
                        .append(r.bandwidth() > 0 ? Bytes.rate(r.bandwidth()) + " measured" : "bandwidth not measured");
            }
        }
        if (!ignored.isEmpty()) {
            why.append("\n  not used by auto: ").append(String.join(", ", ignored))
                    .append(" (CPU-type devices share host memory with the CPU engine; list one under \"devices\" to use it)");
        }
        why.append('\n');

        String embeddingOverride = map.embedding();
        String outputOverride = map.output();
        int layers = model.layers();
        // 1. The best device that holds the whole model.
        for (Ranked r : ranked) {
            String id = r.device().id();
            long need = model.layerBytes(0, layers) + model.activationBytes()
                    + (embeddingOverride == null || embeddingOverride.equals(id) ? model.embeddingBytes() : 0)
                    + (outputOverride == null || outputOverride.equals(id) ? model.outputBytes() : 0);
            if (need <= r.usable()) {
                Placement p = new Placement(List.of(new Stage(id, 0, layers)), orDefault(embeddingOverride, id), orDefault(outputOverride, id), "");
                why.append("  decision: ").append(id).append(" holds the whole model (needs ").append(Bytes.format(need))
                        .append(" of ").append(Bytes.format(r.usable())).append(" usable)")
                        .append(r == ranked.getFirst() ? "" : "; better-ranked devices are too small").append('\n');
                describeStages(p);
                return new Placement(p.stages(), p.embeddingDevice(), p.outputDevice(), why.toString().stripTrailing());
            }
        }
        // 2. Split in rank order, the rest on the CPU engine.
        if (ranked.isEmpty()) {
            if (!map.cpuOffload()) {
                throw map.error("cpuOffload", "is false but no GPU or accelerator was found to run the model ("
                        + "devices: " + describeAll() + ")");
            }
            why.append("  decision: everything on the CPU engine\n");
        } else {
            why.append("  decision: no single device holds the model (").append(Bytes.format(model.weightBytes()
                    + model.kvBytesPerLayer() * layers + model.activationBytes())).append(" with its KV cache): split in rank order")
                    .append(map.cpuOffload() ? ", the rest on the CPU engine" : "").append('\n');
        }
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
                    why.append("  the embedding table (").append(Bytes.format(model.embeddingBytes()))
                            .append(") goes to the CPU engine to leave ").append(id).append(" room for layers\n");
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
                    fit = Math.min(fit, layers - next - 1);   // leave a layer for the next stage, which takes the output head
                }
            }
            if (fit <= 0) {
                why.append("  ").append(id).append(" is too small for a layer (").append(Bytes.format(model.layerBytes(next, next + 1)))
                        .append(" with its KV cache; ").append(Bytes.format(Math.max(0, budget))).append(" left)\n");
                continue;
            }
            stages.add(new Stage(id, next, next + fit));
            next += fit;
        }
        if (next < layers) {
            if (!map.cpuOffload()) {
                throw map.error("", "the model does not fit the devices and cpuOffload is false: layers " + next + "-" + layers
                        + " (" + Bytes.format(model.layerBytes(next, layers)) + " with their KV cache) have no room; "
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
        Placement p = new Placement(stages, embedding, output, "");
        describeStages(p);
        return new Placement(stages, embedding, output, why.toString().stripTrailing());
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

    // ---------------------------------------------------------------- memory

    /** What one device must hold under a placement. */
    private static final class Need {
        long weights, kv, activations, embedding, output;
        final List<String> parts = new ArrayList<>();

        long total() {
            return weights + kv + activations + embedding + output;
        }

        String breakdown() {
            StringJoiner j = new StringJoiner(" + ");
            if (weights > 0) j.add("layer weights " + Bytes.format(weights));
            if (kv > 0) j.add("KV cache " + Bytes.format(kv));
            if (activations > 0) j.add("activations " + Bytes.format(activations));
            if (embedding > 0) j.add("embedding " + Bytes.format(embedding));
            if (output > 0) j.add("output head " + Bytes.format(output));
            return j.toString();
        }
    }

    private Map<String, Need> needs(Placement p) {
        Map<String, Need> needs = new LinkedHashMap<>();
        for (int i = 0; i < p.stages().size(); i++) {
            Stage s = p.stages().get(i);
            Need n = needs.computeIfAbsent(s.deviceId(), k -> new Need());
            n.weights += model.layerWeights(s.firstLayer(), s.endLayer());
            n.kv += model.kvBytesPerLayer() * s.layerCount();
            n.activations = model.activationBytes();
            n.parts.add("layers " + s.range() + " (" + s.layerCount() + (s.layerCount() == 1 ? " layer" : " layers") + ")");
        }
        Need e = needs.computeIfAbsent(p.embeddingDevice(), k -> new Need());
        e.embedding = model.embeddingBytes();
        e.activations = model.activationBytes();
        e.parts.add("embedding");
        Need o = needs.computeIfAbsent(p.outputDevice(), k -> new Need());
        o.output = model.outputBytes();
        o.activations = model.activationBytes();
        o.parts.add("output head");
        return needs;
    }

    private void checkFit(Placement p) {
        for (Map.Entry<String, Need> e : needs(p).entrySet()) {
            String id = e.getKey();
            if (id.equals(Stage.CPU)) {
                continue;   // the CPU engine reads weights from the mapped file; the OS pages them
            }
            DeviceCandidate d = catalog.find(id);
            long usable = usable(d);
            Need n = e.getValue();
            if (n.total() > usable) {
                throw map.error(pathsOf(p, id), "(" + String.join(", ", n.parts) + " on " + id + ") does not fit " + d.describe()
                        + ": needs " + Bytes.format(n.total()) + " (" + n.breakdown() + ") but " + Bytes.format(usable)
                        + " is usable (" + Bytes.format(memory(d)) + " free, " + percent(map.headroom()) + " headroom kept)");
            }
        }
    }

    /** The JSON paths that put something on device {@code id}, for errors. */
    private String pathsOf(Placement p, String id) {
        StringJoiner j = new StringJoiner(", ");
        if (!map.isAuto()) {
            for (DeviceMap.StageSpec s : map.stageSpecs(model.layers())) {
                if (s.device().equals(id)) {
                    j.add(s.path());
                }
            }
        } else {
            j.add("stages (auto)");
        }
        if (id.equals(map.embedding())) {
            j.add("embedding");
        }
        if (id.equals(map.output())) {
            j.add("output");
        }
        return j.length() == 0 ? (id.equals(p.embeddingDevice()) ? "embedding" : "output") + " (default)" : j.toString();
    }

    private void describeStages(Placement p) {
        for (Map.Entry<String, Need> e : needs(p).entrySet()) {
            String id = e.getKey();
            Need n = e.getValue();
            why.append("  ").append(id.equals(Stage.CPU) ? "cpu (the CPU engine)" : catalog.find(id).describe()).append(": ")
                    .append(String.join(", ", n.parts));
            if (id.equals(Stage.CPU)) {
                why.append(" (weights read from the mapped file, ").append(Bytes.format(n.kv)).append(" KV cache)");
            } else {
                why.append(" (").append(Bytes.format(n.total())).append(" of ").append(Bytes.format(usable(catalog.find(id))))
                        .append(" usable)");
            }
            why.append('\n');
        }
        if (p.stages().size() > 1) {
            why.append("  pipeline: the hidden state crosses devices ").append(p.stages().size() - 1).append(p.stages().size() == 2 ? " time" : " times")
                    .append(" per token\n");
        }
    }

    private String describeModel() {
        return model.layers() + " layers, weights " + Bytes.format(model.weightBytes()) + " (layers "
                + Bytes.format(model.layerWeights(0, model.layers())) + ", embedding " + Bytes.format(model.embeddingBytes())
                + ", output " + Bytes.format(model.outputBytes()) + "), KV cache " + Bytes.format(model.kvBytesPerLayer() * model.layers())
                + " (" + Bytes.format(model.kvBytesPerLayer()) + " per layer), activations " + Bytes.format(model.activationBytes())
                + ", headroom " + percent(map.headroom());
    }

    private String describeUsable(List<Ranked> ranked) {
        StringJoiner j = new StringJoiner(", ");
        ranked.forEach(r -> j.add(r.device().id() + " " + Bytes.format(r.usable()) + " usable"));
        return j.length() == 0 ? "none" : j.toString();
    }

    private String describeAll() {
        StringJoiner j = new StringJoiner(", ");
        catalog.devices().forEach(d -> j.add(d.describe()));
        return j.length() == 0 ? "none" : j.toString();
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.0f%%", f * 100);
    }

    /** Memory the device offers: the devices.json override or what the device reports free. */
    private long memory(DeviceCandidate d) {
        DeviceMap.DeviceEntry e = map.entry(d.id());
        return e != null && e.memory() > 0 ? e.memory() : d.freeMemory();
    }

    private long usable(DeviceCandidate d) {
        return (long) (memory(d) * (1 - map.headroom()));
    }

    private DeviceCandidate requireDevice(String id, String path) {
        DeviceCandidate d = catalog.find(id);
        if (d == null) {
            String why = catalog.whyAbsent(id);
            throw map.error(path, "\"" + id + "\": no such device" + (why != null ? " (" + why + ")" : "")
                    + "; available: " + describeAll() + ", cpu (the CPU engine)");
        }
        return d;
    }

}
