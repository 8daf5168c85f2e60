package io.squall.jit;

/** What the target device supports, as far as code generation cares. */
public record DeviceCapabilities(
        boolean fp64, boolean fp16, boolean subGroups, int maxWorkGroupSize, String openclCVersion) {
    /** A typical OpenCL 1.2 device with doubles, no native halves, work-groups of 256. */
    public static DeviceCapabilities generic() {
        return new DeviceCapabilities(true, false, false, 256, "OpenCL C 1.2");
    }
}
