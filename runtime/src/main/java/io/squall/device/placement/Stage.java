package io.squall.device.placement;

/**
 * Layers [firstLayer, endLayer) run on one device: a runtime device id ({@code opencl:0}, {@code ptx:0}, ...)
 * or {@link #CPU} for the model's CPU engine.
 */
public record Stage(String deviceId, int firstLayer, int endLayer) {
    /** The device id that means the model's own CPU engine (not a runtime device). */
    public static final String CPU = "cpu";

    public Stage {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException("a stage needs a device id");
        }
        if (firstLayer < 0 || endLayer <= firstLayer) {
            throw new IllegalArgumentException(
                    "bad layer range " + firstLayer + "-" + endLayer + " (first inclusive, end exclusive)");
        }
    }

    public boolean onCpuEngine() {
        return deviceId.equals(CPU);
    }

    public int layerCount() {
        return endLayer - firstLayer;
    }

    public boolean contains(int layer) {
        return layer >= firstLayer && layer < endLayer;
    }

    /** "0-16" (end exclusive), as written in devices.json. */
    public String range() {
        return firstLayer + "-" + endLayer;
    }
}
