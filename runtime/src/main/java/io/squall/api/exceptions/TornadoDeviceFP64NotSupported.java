package io.squall.api.exceptions;

/** The device has no double-precision (fp64) support. */
public class TornadoDeviceFP64NotSupported extends RuntimeException {
    public TornadoDeviceFP64NotSupported(String message) {
        super(message);
    }

    public TornadoDeviceFP64NotSupported(String message, Throwable cause) {
        super(message, cause);
    }
}
