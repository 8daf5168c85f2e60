package io.squall.device.placement;

import io.squall.api.enums.TornadoDeviceType;

/**
 * A runtime device as the placement sees it. {@code freeMemory} is what the device can give this model
 * (bytes); {@code bandwidth} the measured read bandwidth in bytes/s, 0 when not measured.
 */
public record DeviceCandidate(
        String id, String name, TornadoDeviceType type, long freeMemory, long maxAllocation, double bandwidth) {

    /** Ranking by type: GPU first, then accelerators (FPGAs included), then CPUs, then anything else. */
    public int typeRank() {
        return switch (type) {
            case GPU -> 0;
            case ACCELERATOR, FPGA -> 1;
            case CPU -> 2;
            default -> 3;
        };
    }

    public String describe() {
        return id + " " + name + " (" + type + ")";
    }
}
