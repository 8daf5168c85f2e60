package io.squall.api.exceptions;

/** A task failed while it ran on its device. */
public class TornadoTaskRuntimeException extends RuntimeException {
    public TornadoTaskRuntimeException(String message) {
        super(message);
    }

    public TornadoTaskRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
