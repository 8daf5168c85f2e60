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
        why.append(map.isAuto() ? "auto placement" : "placement")
                .append(" from ")
                .append(map.source())
                .append(": ")
                .append(describeModel())
                .append('\n');
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
                throw map.error(
                        s.path() + ".layers",
                        "\"" + s.text() + "\" goes beyond the model's " + layers + " layers (0-" + layers
                                + ", end exclusive)");
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
        String embedding =
                map.embedding() != null ? map.embedding() : stages.getFirst().deviceId();
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
        return map.error(
                "stages",
                which + " not placed: the stages cover " + covered + " of the model's " + model.layers() + " layers (0-"
                        + model.layers() + "; ranges are end exclusive, \"0-16\" = layers 0..15)");
    }

    // ---------------------------------------------------------------- auto

    /** {@link AutoPlacement} decides, {@link AutoExplanation} says why, then the devices' shares are described as for explicit stages. */
    private Placement auto() {
        AutoPlacement.Decision d = new AutoPlacement(map, model, catalog, this::usable).decide();
        AutoExplanation.explain(d, why);
        Placement p = new Placement(d.stages(), d.embedding(), d.output(), "");
        describeStages(p);
        return new Placement(
                p.stages(),
                p.embeddingDevice(),
                p.outputDevice(),
                why.toString().stripTrailing());
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
            n.parts.add(
                    "layers " + s.range() + " (" + s.layerCount() + (s.layerCount() == 1 ? " layer" : " layers") + ")");
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
                continue; // the CPU engine reads weights from the mapped file; the OS pages them
            }
            DeviceCandidate d = catalog.find(id);
            long usable = usable(d);
            Need n = e.getValue();
            if (n.total() > usable) {
                throw map.error(
                        pathsOf(p, id),
                        "(" + String.join(", ", n.parts) + " on " + id + ") does not fit " + d.describe()
                                + ": needs " + Bytes.format(n.total()) + " (" + n.breakdown() + ") but "
                                + Bytes.format(usable)
                                + " is usable (" + Bytes.format(memory(d)) + " free, " + percent(map.headroom())
                                + " headroom kept)");
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
        return j.length() == 0
                ? (id.equals(p.embeddingDevice()) ? "embedding" : "output") + " (default)"
                : j.toString();
    }

    private void describeStages(Placement p) {
        for (Map.Entry<String, Need> e : needs(p).entrySet()) {
            String id = e.getKey();
            Need n = e.getValue();
            why.append("  ")
                    .append(
                            id.equals(Stage.CPU)
                                    ? "cpu (the CPU engine)"
                                    : catalog.find(id).describe())
                    .append(": ")
                    .append(String.join(", ", n.parts));
            if (id.equals(Stage.CPU)) {
                why.append(" (weights read from the mapped file, ")
                        .append(Bytes.format(n.kv))
                        .append(" KV cache)");
            } else {
                why.append(" (")
                        .append(Bytes.format(n.total()))
                        .append(" of ")
                        .append(Bytes.format(usable(catalog.find(id))))
                        .append(" usable)");
            }
            why.append('\n');
        }
        if (p.stages().size() > 1) {
            why.append("  pipeline: the hidden state crosses devices ")
                    .append(p.stages().size() - 1)
                    .append(p.stages().size() == 2 ? " time" : " times")
                    .append(" per token\n");
        }
    }

    private String describeModel() {
        return model.layers() + " layers, weights " + Bytes.format(model.weightBytes()) + " (layers "
                + Bytes.format(model.layerWeights(0, model.layers())) + ", embedding "
                + Bytes.format(model.embeddingBytes())
                + ", output " + Bytes.format(model.outputBytes()) + "), KV cache "
                + Bytes.format(model.kvBytesPerLayer() * model.layers())
                + " (" + Bytes.format(model.kvBytesPerLayer()) + " per layer), activations "
                + Bytes.format(model.activationBytes())
                + ", headroom " + percent(map.headroom());
    }

    /** Every device of the catalog, described, for errors. */
    static String describeAll(DeviceCatalog catalog) {
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
            throw map.error(
                    path,
                    "\"" + id + "\": no such device" + (why != null ? " (" + why + ")" : "") + "; available: "
                            + describeAll(catalog) + ", cpu (the CPU engine)");
        }
        return d;
    }
}
