package io.squall.api.exceptions;

import java.util.ArrayList;
import java.util.List;

/**
 * An error inside the runtime (a broken invariant), not a user mistake. As in TornadoVM, an {@link Error}; the static
 * helpers throw it and are declared to return an exception so callers can write {@code throw unimplemented()}.
 */
public class TornadoInternalError extends Error {
    private final List<String> context = new ArrayList<>();

    public TornadoInternalError(String message, Object... args) {
        super(args.length == 0 ? message : String.format(message, args));
    }

    public TornadoInternalError(Throwable cause) {
        super(cause);
    }

    public static RuntimeException unimplemented() {
        throw new TornadoInternalError("unimplemented");
    }

    public static RuntimeException unimplemented(String message, Object... args) {
        throw new TornadoInternalError("unimplemented: " + (args.length == 0 ? message : String.format(message, args)));
    }

    public static RuntimeException shouldNotReachHere() {
        throw new TornadoInternalError("should not reach here");
    }

    public static RuntimeException shouldNotReachHere(String message, Object... args) {
        throw new TornadoInternalError(
                "should not reach here: " + (args.length == 0 ? message : String.format(message, args)));
    }

    public static RuntimeException shouldNotReachHere(Throwable cause) {
        throw new TornadoInternalError(cause);
    }

    public static void guarantee(boolean condition, String message, Object... args) {
        if (!condition) {
            throw new TornadoInternalError(
                    "failed guarantee: " + (args.length == 0 ? message : String.format(message, args)));
        }
    }

    public TornadoInternalError addContext(String newContext) {
        context.add(newContext);
        return this;
    }

    public TornadoInternalError addContext(String name, Object value) {
        return addContext(name + ": " + value);
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return context.isEmpty() ? message : message + " [" + String.join(", ", context) + "]";
    }
}
