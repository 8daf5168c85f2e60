package io.squall.api.exceptions;

/** The device has no half-precision (fp16) support. */
public class TornadoDeviceFP16NotSupported extends RuntimeException {
    public TornadoDeviceFP16NotSupported(String message) {
        super(message);
    }

    public TornadoDeviceFP16NotSupported(String message, Throwable cause) {
        super(message, cause);
    }
}
