package io.squall.api.exceptions;

/** The device has no matrix-multiply-accumulate (tensor core) instructions. */
public class TornadoDeviceMMANotSupported extends RuntimeException {
    public TornadoDeviceMMANotSupported(String message) {
        super(message);
    }

    public TornadoDeviceMMANotSupported(String message, Throwable cause) {
        super(message, cause);
    }
}
