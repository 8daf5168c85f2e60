package io.squall.backend.spirv.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SPIR-V to SPIR 1.2 (LLVM bitcode with OpenCL C 1.2 built-in names) through the Khronos translator
 * ({@code llvm-spirv-15 -r --spirv-target-env=CL1.2}), for OpenCL 1.2 devices with {@code cl_khr_spir} but no
 * {@code clCreateProgramWithIL} (PoCL built on LLVM 15). The bitcode is built with {@code -x spir -spir-std=1.2}.
 */
public final class SpirTranslator {
    /** clBuildProgram options that make a cl_khr_spir device read the binary as SPIR 1.2. */
    public static final String BUILD_OPTIONS = "-x spir -spir-std=1.2";

    private SpirTranslator() {}

    /** True when the translator is installed. */
    public static boolean isAvailable() {
        return SpirvTools.llvmSpirv() != null;
    }

    /** The module as SPIR 1.2 bitcode; an error with the translator's output when it fails or is missing. */
    public static byte[] toSpirBitcode(SpirvBinary module) {
        Path tool = SpirvTools.llvmSpirv();
        if (tool == null) {
            throw new IllegalStateException(
                    "llvm-spirv is not installed (Debian package llvm-spirv-15): it is needed to run SPIR-V on "
                            + "OpenCL 1.2 devices that take SPIR (cl_khr_spir) instead of SPIR-V");
        }
        Path out = null;
        try {
            out = Files.createTempFile("squall-" + module.entryName(), ".bc");
            SpirvTools.Result r = SpirvTools.runOn(
                    module, tool, List.of("-r", "--spirv-target-env=CL1.2"), List.of("-o", out.toString()));
            if (!r.ok()) {
                throw new IllegalStateException("llvm-spirv could not translate the SPIR-V of " + module.entryName()
                        + " to SPIR:\n" + r.output());
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot translate the SPIR-V of " + module.entryName() + ": " + e.getMessage(), e);
        } finally {
            SpirvTools.deleteQuietly(out);
        }
    }
}
