package io.squall.api.exceptions;

/** A callee of a kernel could not be inlined. */
public class TornadoInliningException extends RuntimeException {
    public TornadoInliningException(String message) {
        super(message);
    }

    public TornadoInliningException(String message, Throwable cause) {
        super(message, cause);
    }
}
