package io.squall.api.exceptions;

/** An error raised by the runtime while building, compiling or executing a plan; the message names the task and device. */
public class TornadoRuntimeException extends RuntimeException {
    public TornadoRuntimeException(String message) {
        super(message);
    }

    public TornadoRuntimeException(Exception cause) {
        super(cause);
    }

    public TornadoRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
