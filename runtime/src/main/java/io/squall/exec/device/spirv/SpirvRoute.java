package io.squall.exec.device.spirv;

import io.squall.driver.opencl.CLDevice;
import io.squall.jit.spirv.SpirTranslator;

/** How SPIR-V reaches an OpenCL device, or why it cannot. */
public enum SpirvRoute {
    /** clCreateProgramWithIL: the device lists SPIR-V in CL_DEVICE_IL_VERSION (OpenCL 2.1+, cl_khr_il_program). */
    IL,
    /** SPIR-V translated to SPIR 1.2 bitcode by llvm-spirv and loaded with clCreateProgramWithBinary (cl_khr_spir). */
    SPIR,
    NONE;

    /** The route for this device: IL when offered, else SPIR when the device takes it and the translator is installed. */
    public static SpirvRoute of(CLDevice device) {
        if (device.ilVersion().contains("SPIR-V")) {
            return IL;
        }
        if (device.extensions().contains("cl_khr_spir") && SpirTranslator.isAvailable()) {
            return SPIR;
        }
        return NONE;
    }

    /** Why a device has no route, for the device listing. */
    public static String whyNot(CLDevice device) {
        if (device.extensions().contains("cl_khr_spir")) {
            return device.name() + ": no SPIR-V IL (CL_DEVICE_IL_VERSION empty); it takes SPIR 1.2, but llvm-spirv is not installed "
                    + "(Debian package llvm-spirv-15)";
        }
        return device.name() + ": accepts neither SPIR-V (CL_DEVICE_IL_VERSION empty, no cl_khr_il_program) nor SPIR (no cl_khr_spir)";
    }
}
