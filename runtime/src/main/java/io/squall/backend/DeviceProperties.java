package io.squall.backend;

import io.squall.api.enums.TornadoDeviceType;

import java.util.Set;

/**
 * What a backend reports about one device. Sizes in bytes; {@code ilVersion} is the SPIR-V
 * IL version an OpenCL device accepts ("" when none), {@code openclCVersion} "" for non-OpenCL devices.
 */
public record DeviceProperties(
        String id,
        String name,
        String vendor,
        String platform,
        String version,
        String driverVersion,
        TornadoDeviceType type,
        long globalMemory,
        long localMemory,
        long maxAllocation,
        int computeUnits,
        long maxWorkGroupSize,
        long[] maxWorkItemSizes,
        int clockMhz,
        Set<String> extensions,
        String openclCVersion,
        String ilVersion) {
    public DeviceProperties {
        maxWorkItemSizes = maxWorkItemSizes.clone();
        extensions = Set.copyOf(extensions);
    }

    @Override
    public long[] maxWorkItemSizes() {
        return maxWorkItemSizes.clone();
    }
}
