package io.squall.model.accel;

/**
 * Layers [firstLayer, endLayer) on one device ({@code "opencl:0"}, {@code "jvm"}, ...). The first stage also runs the
 * embedding, the last the final norm, classifier and argmax.
 */
public record StageSpec(String deviceId, int firstLayer, int endLayer) {
    public StageSpec {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException("a stage needs a device id");
        }
        if (firstLayer < 0 || endLayer <= firstLayer) {
            throw new IllegalArgumentException("stage on " + deviceId + ": layer range [" + firstLayer + ", " + endLayer + ") is empty or negative");
        }
    }
}
