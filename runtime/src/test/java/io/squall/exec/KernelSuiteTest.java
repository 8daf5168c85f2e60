package io.squall.exec;

import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The end-to-end kernel suite: every case of {@link KernelSuite} as a one-task graph through a real execution plan,
 * on every OpenCL device and on the JVM, compared with the case's plain-Java reference.
 */
class KernelSuiteTest {
    static Stream<Arguments> cases() {
        List<String> devices = new ArrayList<>();
        for (ComputeDevice d : Devices.all()) {
            if (d.id().startsWith("opencl:") || d.id().equals("jvm")) {
                devices.add(d.id());
            }
        }
        List<Arguments> out = new ArrayList<>();
        for (SuiteCase c : KernelSuite.all()) {
            for (String d : devices) {
                out.add(Arguments.of(c, d));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesTheReference(SuiteCase c, String deviceId) {
        SuiteAssertions.assertPlanMatchesReference(c, deviceId, "suite_");
    }
}
