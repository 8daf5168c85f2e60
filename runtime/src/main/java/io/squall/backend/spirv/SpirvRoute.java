package io.squall.backend.spirv;

import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.spirv.codegen.SpirTranslator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How SPIR-V reaches an OpenCL device, or why it cannot. */
public enum SpirvRoute {
    /** clCreateProgramWithIL: the device lists SPIR-V in CL_DEVICE_IL_VERSION (OpenCL 2.1+, cl_khr_il_program). */
    IL,
    /**
     * SPIR-V translated to SPIR 1.2 bitcode by llvm-spirv-15 and loaded with clCreateProgramWithBinary (cl_khr_spir).
     * Only for platforms that state an LLVM of version 15 or later (PoCL does, in its platform version): the
     * translator writes LLVM 15 bitcode, which older consumers (SPIR 1.2 proper is LLVM 3.2 bitcode) cannot read.
     */
    SPIR,
    NONE;

    /** The LLVM version a platform reports ("... LLVM 15.0.6 ..."), or -1. */
    static int llvmMajor(String platformVersion) {
        Matcher m = Pattern.compile("LLVM (\\d+)").matcher(platformVersion);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The route for this device: IL when offered, else SPIR when the device can read the translator's bitcode. */
    public static SpirvRoute of(CLDevice device) {
        if (device.ilVersion().contains("SPIR-V")) {
            return IL;
        }
        if (device.extensions().contains("cl_khr_spir")
                && llvmMajor(device.platform().version()) >= 15
                && SpirTranslator.isAvailable()) {
            return SPIR;
        }
        return NONE;
    }

    /** Why a device has no route, for the device listing. */
    public static String whyNot(CLDevice device) {
        if (!device.extensions().contains("cl_khr_spir")) {
            return device.name()
                    + ": accepts neither SPIR-V (CL_DEVICE_IL_VERSION empty, no cl_khr_il_program) nor SPIR (no cl_khr_spir)";
        }
        int llvm = llvmMajor(device.platform().version());
        if (llvm < 15) {
            return device.name()
                    + ": no SPIR-V IL; it takes SPIR (cl_khr_spir), but its platform does not state an LLVM 15 or later "
                    + "that could read llvm-spirv-15's bitcode";
        }
        return device.name()
                + ": no SPIR-V IL; it takes SPIR 1.2, but llvm-spirv is not installed (Debian package llvm-spirv-15)";
    }
}
