package io.squall.model.accel;

import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;

/** Device ids the accelerated tests run on: every OpenCL device found (PoCL in CI) and the JVM backend. */
final class Devices {
    private Devices() {}

    static List<String> all() {
        List<String> ids = new ArrayList<>();
        if (OpenCL.isAvailable()) {
            int n = io.squall.device.Devices.all().stream()
                    .filter(d -> d.id().startsWith("opencl:"))
                    .toList()
                    .size();
            for (int i = 0; i < n; i++) {
                ids.add("opencl:" + i);
            }
        }
        ids.add("jvm");
        return ids;
    }

    /**
     * {@link #all()} and every device that takes SPIR-V ({@code spirv:N}, PoCL here): for the per-format kernel tests,
     * since the SPIR-V code generator lowers each format's bit manipulation on its own.
     */
    static List<String> withSpirv() {
        List<String> ids = new ArrayList<>(all());
        var spirv = io.squall.device.Devices.backend("spirv");
        if (spirv != null) {
            for (var d : spirv.devices()) {
                ids.add(ids.size() - 1, d.id()); // before "jvm"
            }
        }
        return ids;
    }

    /** The OpenCL devices; without any, "opencl:0" for a test that then skips through {@link #opencl()}. */
    static List<String> openclOrSkip() {
        List<String> ids = all().stream().filter(id -> id.startsWith("opencl:")).toList();
        return ids.isEmpty() ? List.of("opencl:0") : ids;
    }

    static String opencl() {
        Assumptions.assumeTrue(OpenCL.isAvailable(), "no OpenCL device: " + OpenCL.unavailableReason());
        return "opencl:0";
    }
}
