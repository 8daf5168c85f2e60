package io.squall.api.exceptions;

/** Device memory exhausted, or a plan's {@code withMemoryLimit} exceeded. */
public class TornadoMemoryException extends TornadoRuntimeException {
    public TornadoMemoryException(String message) {
        super(message);
    }
}
