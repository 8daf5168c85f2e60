package io.squall.jit;

import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

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
            Object[] expected = SuiteAssertions.copy(args);
            c.reference().accept(expected);
            String src = SuiteLauncher.run(context, queue, c, args, specialize);
            String problem = SuiteAssertions.mismatch(c, expected, args);
            if (problem != null) {
                fail(c.name() + " (specialize=" + specialize + ") " + problem + "\n" + src);
            }
        }
    }
}
