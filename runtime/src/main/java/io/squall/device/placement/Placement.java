package io.squall.device.placement;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where each part of a model runs: the stages cover every layer once, in order (the hidden state crosses
 * between devices once per stage boundary); the embedding lookup and the output head (final norm, logits)
 * each on one device. {@code explanation} says why, in a few lines, for {@code llama --explain-placement}.
 */
public record Placement(List<Stage> stages, String embeddingDevice, String outputDevice, String explanation) {
    public Placement {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a placement has at least one stage");
        }
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).firstLayer() != stages.get(i - 1).endLayer()) {
                throw new IllegalArgumentException("stages must be contiguous and ordered: " + stages);
            }
        }
        if (stages.getFirst().firstLayer() != 0) {
            throw new IllegalArgumentException("the first stage must start at layer 0: " + stages);
        }
    }

    /** The stage running {@code layer}. */
    public Stage stageOf(int layer) {
        for (Stage s : stages) {
            if (s.contains(layer)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "layer " + layer + " is not placed (" + stages.getLast().endLayer() + " layers)");
    }

    /** The distinct devices used, in first-use order (embedding, stages, output), {@code cpu} included when used. */
    public Set<String> devices() {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(embeddingDevice);
        stages.forEach(s -> ids.add(s.deviceId()));
        ids.add(outputDevice);
        return ids;
    }

    /** True when everything runs on the CPU engine. */
    public boolean cpuOnly() {
        return devices().equals(Set.of(Stage.CPU));
    }

    /** True when everything runs on one runtime device. */
    public boolean singleDevice() {
        return devices().size() == 1 && !cpuOnly();
    }
}
