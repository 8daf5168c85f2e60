package io.squall.api.exceptions;

/** The runtime gave up on a path and fell back to another (TornadoVM's name). */
public class TornadoBailoutRuntimeException extends RuntimeException {
    public TornadoBailoutRuntimeException(String message) {
        super(message);
    }

    public TornadoBailoutRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
