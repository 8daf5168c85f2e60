package io.squall.model.accel;

import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;

/** Device ids the accelerated tests run on: every OpenCL device found (PoCL in CI) and the JVM backend. */
final class Devices {
    private Devices() {
    }

    static List<String> all() {
        List<String> ids = new ArrayList<>();
        if (OpenCL.isAvailable()) {
            int n = io.squall.device.Devices.all().stream().filter(d -> d.id().startsWith("opencl:")).toList().size();
            for (int i = 0; i < n; i++) {
                ids.add("opencl:" + i);
            }
        }
        ids.add("jvm");
        return ids;
    }

    static String opencl() {
        Assumptions.assumeTrue(OpenCL.isAvailable(), "no OpenCL device: " + OpenCL.unavailableReason());
        return "opencl:0";
    }
}
