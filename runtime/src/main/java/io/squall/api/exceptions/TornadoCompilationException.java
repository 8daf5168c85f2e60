package io.squall.api.exceptions;

/** A kernel could not be compiled for its device. */
public class TornadoCompilationException extends RuntimeException {
    public TornadoCompilationException(String message) {
        super(message);
    }

    public TornadoCompilationException(String message, Throwable cause) {
        super(message, cause);
    }
}
