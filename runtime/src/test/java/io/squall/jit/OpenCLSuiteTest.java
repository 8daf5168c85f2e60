package io.squall.jit;

import static org.junit.jupiter.api.Assertions.*;

import io.squall.driver.opencl.CLCommandQueue;
import io.squall.driver.opencl.CLContext;
import io.squall.driver.opencl.CLDevice;
import io.squall.driver.opencl.OpenCL;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each suite kernel's generated OpenCL C is built and run on the first OpenCL device (PoCL in CI) against its reference. */
class OpenCLSuiteTest {
    private static CLContext context;
    private static CLCommandQueue queue;

    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @BeforeAll
    static void open() {
        Assumptions.assumeTrue(OpenCL.isAvailable(), () -> "no OpenCL: " + OpenCL.unavailableReason());
        CLDevice device = OpenCL.devices().getFirst();
        context = CLContext.create(device);
        queue = context.createQueue(false);
    }

    @AfterAll
    static void close() {
        if (queue != null) {
            queue.close();
        }
        if (context != null) {
            context.close();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesReference(SuiteCase c) {
        for (boolean specialize : new boolean[] {false, true}) {
            Object[] args = c.inputs().get();
            Object[] expected = SuiteLauncher.copy(args);
            c.reference().accept(expected);
            String src = SuiteLauncher.run(context, queue, c, args, specialize);
            for (int out : c.outputArgs()) {
                compare(c, specialize, out, expected[out], args[out], src);
            }
        }
    }

    private static void compare(SuiteCase c, boolean specialize, int arg, Object expected, Object actual, String src) {
        long[] el = SuiteLauncher.longValues(expected);
        if (el != null) {
            assertArrayEquals(el, SuiteLauncher.longValues(actual), c.name() + " arg " + arg + " (specialize=" + specialize + ")\n" + src);
            return;
        }
        double[] e = SuiteLauncher.values(expected);
        double[] a = SuiteLauncher.values(actual);
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : c.tolerance() == 0 ? e[i] == a[i] : Math.abs(e[i] - a[i]) <= c.tolerance() * Math.max(1, Math.abs(e[i]));
            if (!ok) {
                fail(c.name() + " arg " + arg + "[" + i + "]: expected " + e[i] + " but was " + a[i] + " (specialize=" + specialize + ")\n" + src);
            }
        }
    }
}
