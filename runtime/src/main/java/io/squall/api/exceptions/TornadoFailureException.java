package io.squall.api.exceptions;

/** A failure the runtime cannot recover from. */
public class TornadoFailureException extends RuntimeException {
    public TornadoFailureException(String message) {
        super(message);
    }

    public TornadoFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
