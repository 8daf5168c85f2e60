package io.squall.api.exceptions;

/** A device allocation failed for lack of memory. */
public class TornadoOutOfMemoryException extends RuntimeException {
    public TornadoOutOfMemoryException(String message) {
        super(message);
    }

    public TornadoOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
