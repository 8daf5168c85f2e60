package io.squall.api.exceptions;

/** A device id that does not parse or names no device found on this machine. */
public class TornadoDeviceException extends TornadoRuntimeException {
    public TornadoDeviceException(String message) {
        super(message);
    }
}
