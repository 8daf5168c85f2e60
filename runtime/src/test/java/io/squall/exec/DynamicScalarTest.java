package io.squall.exec;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code @Dynamic} scalars under {@code -specialize}: plans with other values of a dynamic scalar share one JIT
 * compilation and each computes with its own value; an unmarked scalar still compiles once per value (opencl:0).
 */
class DynamicScalarTest {
    static final int N = 64;

    private static void runScaled(TornadoDevice device, String name, boolean dynamic, float factor) throws Exception {
        FloatArray a = TestKernels.filled(N, 0);
        float before = a.get(9);
        TaskGraph g = new TaskGraph(name).transferToDevice(DataTransferMode.FIRST_EXECUTION, a);
        if (dynamic) {
            g.task("scale", TestKernels::scaleInPlaceDynamic, a, factor);
        } else {
            g.task("scale", TestKernels::scaleInPlace, a, factor);
        }
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, a);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(device).withCompilerFlags("-specialize")) {
            plan.execute();
        }
        assertEquals(before * factor, a.get(9), name + ": element 9 scaled by " + factor);
    }

    @Test
    void dynamicScalarsShareOneKernelAcrossValues() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        TornadoDevice opencl = TornadoExecutionPlan.getDevice("opencl:0");
        // factors no other test uses, so the process-wide cache holds no kernel for them yet
        long jits = KernelCache.jitCompilations();
        runScaled(opencl, "dyn0", true, 1.375f);
        runScaled(opencl, "dyn1", true, 2.625f);
        runScaled(opencl, "dyn2", true, -0.8125f);
        assertEquals(1, KernelCache.jitCompilations() - jits, "three factors of a @Dynamic scalar: one compilation");
        jits = KernelCache.jitCompilations();
        runScaled(opencl, "fixed0", false, 1.4375f);
        runScaled(opencl, "fixed1", false, 2.5625f);
        assertEquals(2, KernelCache.jitCompilations() - jits, "an unmarked scalar is folded: one kernel per value");
    }
}
