package io.squall.api.exceptions;

/** A device index or id that names no device. */
public class TornadoDeviceNotFound extends TornadoRuntimeException {
    public TornadoDeviceNotFound(String message) {
        super(message);
    }

    public TornadoDeviceNotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
