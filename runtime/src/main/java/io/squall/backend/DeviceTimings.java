package io.squall.backend;

import java.util.Map;

/**
 * Timings a device measured between two {@link ComputeDevice#finish()} calls, in nanoseconds:
 * per task name (kernel execution) and for host-to-device / device-to-host copies.
 */
public record DeviceTimings(Map<String, Long> kernelNanosByTask, long writeNanos, long readNanos) {
    public static final DeviceTimings NONE = new DeviceTimings(Map.of(), 0, 0);
}
