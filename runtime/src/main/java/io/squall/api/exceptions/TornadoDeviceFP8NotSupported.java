package io.squall.api.exceptions;

/** The device has no FP8 support. */
public class TornadoDeviceFP8NotSupported extends RuntimeException {
    public TornadoDeviceFP8NotSupported(String message) {
        super(message);
    }

    public TornadoDeviceFP8NotSupported(String message, Throwable cause) {
        super(message, cause);
    }
}
