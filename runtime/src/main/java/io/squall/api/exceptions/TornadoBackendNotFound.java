package io.squall.api.exceptions;

/** A backend index or name that names no backend. */
public class TornadoBackendNotFound extends TornadoRuntimeException {
    public TornadoBackendNotFound(String message) {
        super(message);
    }

    public TornadoBackendNotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
