package io.squall.api.exceptions;

/** A checked failure of an execution plan: what TornadoVM's {@code TornadoExecutionPlan.close()} declares. */
public class TornadoExecutionPlanException extends Exception {
    public TornadoExecutionPlanException(String message) {
        super(message);
    }

    public TornadoExecutionPlanException(String message, Throwable cause) {
        super(message, cause);
    }
}
