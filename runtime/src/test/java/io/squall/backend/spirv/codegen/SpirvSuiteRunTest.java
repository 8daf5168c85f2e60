package io.squall.backend.spirv.codegen;

import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/**
 * Every suite kernel as a one-task graph through a real execution plan on every {@code spirv:N} device (SPIR-V
 * through clCreateProgramWithIL, or translated to SPIR for cl_khr_spir devices), against the case's plain-Java
 * reference (the same references the JVM and OpenCL backends are checked against). Skipped, saying why, when no
 * device takes SPIR-V.
 */
class SpirvSuiteRunTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceOnEverySpirvDevice(SuiteCase c) {
        Backend spirv = Devices.backend("spirv");
        Assumptions.assumeTrue(spirv != null, "the spirv backend is not registered (META-INF/services)");
        List<? extends ComputeDevice> devices = spirv.devices();
        Assumptions.assumeTrue(!devices.isEmpty(), () -> "no device takes SPIR-V: " + spirv.unavailableReason());
        for (ComputeDevice d : devices) {
            SuiteAssertions.assertPlanMatchesReference(c, d.id(), "spirv_");
        }
    }
}
