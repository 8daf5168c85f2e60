package io.squall.api.exceptions;

/** The API was used wrongly (an argument or call order the runtime cannot accept). */
public class TornadoAPIException extends RuntimeException {
    public TornadoAPIException(String message) {
        super(message);
    }

    public TornadoAPIException(String message, Throwable cause) {
        super(message, cause);
    }
}
