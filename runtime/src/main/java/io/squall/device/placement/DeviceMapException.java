package io.squall.device.placement;

/**
 * A device map that cannot be used: bad JSON, unknown key or device, overlapping or missing layer ranges,
 * a model that does not fit, a kernel binary that does not match its device. The message starts with the
 * source and the JSON path, e.g. {@code devices.json: stages[1].layers "8-20" overlaps stages[0] "0-10"}.
 */
public final class DeviceMapException extends RuntimeException {
    public DeviceMapException(String message) {
        super(message);
    }

    public DeviceMapException(String message, Throwable cause) {
        super(message, cause);
    }
}
