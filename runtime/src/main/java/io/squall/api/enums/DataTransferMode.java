package io.squall.api.enums;

/** When a task graph copies an object between the host and a device. */
public enum DataTransferMode {
    /** Copy on the first execution only; the device copy is kept and reused (treat it as read-only on the host). */
    FIRST_EXECUTION,
    /** Copy on every execution of the plan. */
    EVERY_EXECUTION,
    /** Device to host only: copy back only when {@code TornadoExecutionResult.transferToHost(...)} asks. */
    UNDER_DEMAND
}
