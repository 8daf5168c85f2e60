package io.squall.backend.opencl.driver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The missing-loader path, exercised by pointing the lookup at a library that does not exist. Runs everywhere. */
class OpenCLUnavailableTest {

    @Test
    void missingLoaderGivesReasonWithInstallHint() {
        OpenCL.Probe probe = OpenCL.probe(List.of("libSquallNoSuchOpenCL.so.1", "libSquallNoSuchOpenCL.so"));
        assertFalse(probe.available());
        assertEquals(List.of(), probe.platforms());
        String reason = probe.reason();
        assertTrue(
                reason.contains("libSquallNoSuchOpenCL.so.1") && reason.contains("libSquallNoSuchOpenCL.so"), reason);
        assertTrue(reason.contains("ocl-icd-libopencl1"), reason);
        assertTrue(reason.contains("pocl-opencl-icd"), reason);
    }

    @Test
    void defaultProbeNeverThrowsAndExplainsItself() {
        // Whatever this machine has, class initialisation must not throw and the state must be consistent.
        if (OpenCL.isAvailable()) {
            assertTrue(OpenCL.unavailableReason() == null);
            assertFalse(OpenCL.platforms().isEmpty());
        } else {
            assertNotNull(OpenCL.unavailableReason());
            assertTrue(OpenCL.platforms().isEmpty());
            assertTrue(OpenCL.unavailableReason().contains("install"), OpenCL.unavailableReason());
        }
    }

    @Test
    void errorNamesComeFromTheHeaders() {
        CLException e = new CLException(-11, "clBuildProgram");
        assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName());
        assertTrue(e.getMessage().startsWith("clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)"), e.getMessage());
        assertEquals("CL_INVALID_KERNEL_ARGS", new CLException(-52, "clEnqueueNDRangeKernel").errorName());
        assertEquals("CL_PLATFORM_NOT_FOUND_KHR", new CLException(-1001, "clGetPlatformIDs").errorName());
        assertEquals("CL error -9999", new CLException(-9999, "clFoo").errorName());
    }
}
