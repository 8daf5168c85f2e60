package io.squall.backend.opencl.driver;

/** The kind of an OpenCL device (CL_DEVICE_TYPE). */
public enum DeviceType {
    CPU,
    GPU,
    ACCELERATOR,
    OTHER;

    static DeviceType fromBits(long bits) {
        if ((bits & CL.CL_DEVICE_TYPE_GPU) != 0) return GPU;
        if ((bits & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) return ACCELERATOR;
        if ((bits & CL.CL_DEVICE_TYPE_CPU) != 0) return CPU;
        return OTHER;
    }
}
