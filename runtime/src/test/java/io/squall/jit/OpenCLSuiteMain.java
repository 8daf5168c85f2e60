package io.squall.jit;

import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
import io.squall.suite.SuiteCase;

/**
 * Developer tool: runs the whole kernel suite on every OpenCL device found and prints one line per kernel
 * (for checking the generated OpenCL C on drivers other than CI's PoCL, e.g. NVIDIA's).
 */
public final class OpenCLSuiteMain {
    public static void main(String[] args) {
        if (!OpenCL.isAvailable()) {
            System.out.println("no OpenCL: " + OpenCL.unavailableReason());
            return;
        }
        int failures = 0;
        for (CLDevice device : OpenCL.devices()) {
            System.out.println("== " + device.name() + " (" + device.vendor() + ", " + device.version() + ")");
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false)) {
                for (SuiteCase c : KernelSuite.all()) {
                    try {
                        Object[] actual = c.inputs().get();
                        Object[] expected = SuiteAssertions.copy(actual);
                        c.reference().accept(expected);
                        SuiteLauncher.run(context, queue, c, actual, false);
                        String problem = SuiteAssertions.mismatch(c, expected, actual);
                        System.out.println((problem == null ? "ok    " : "FAIL  ")
                                + c.name()
                                + (problem == null ? "" : ": " + problem));
                        failures += problem == null ? 0 : 1;
                    } catch (RuntimeException e) {
                        System.out.println("ERROR " + c.name() + ": " + e);
                        failures++;
                    }
                }
            }
        }
        System.out.println(failures == 0 ? "all kernels match their references" : failures + " kernel(s) failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
