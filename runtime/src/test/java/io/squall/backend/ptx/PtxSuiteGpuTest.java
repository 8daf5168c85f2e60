package io.squall.backend.ptx;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.device.Devices;
import io.squall.exec.TestKernels;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole kernel suite on {@code ptx:0} through real task graphs, against the plain-Java references, and CUDA
 * graph replay of a re-executed plan. Skipped (with the reason) where there is no CUDA driver or GPU.
 */
class PtxSuiteGpuTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    private static void assumeGpu() {
        Assumptions.assumeFalse(
                Devices.backend("ptx").devices().isEmpty(),
                () -> "no ptx device: " + Devices.backend("ptx").unavailableReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(SuiteCase c) {
        assumeGpu();
        SuiteAssertions.assertPlanMatchesReference(c, "ptx:0", "ptxsuite_");
    }

    @Test
    void reExecutedPlanReplaysACudaGraphWithNewInputs() throws Exception {
        assumeGpu();
        int n = 1 << 16;
        FloatArray a = new FloatArray(n), b = new FloatArray(n), c = new FloatArray(n);
        TaskGraph g = new TaskGraph("ptxgraphs")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b)
                .task("plusOne", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        PtxDevice device = (PtxDevice) Devices.get("ptx:0");
        System.setProperty(PtxDevice.CUDA_GRAPHS, "true");
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("ptx:0"))) {
            long before = device.graphReplays();
            for (int run = 0; run < 4; run++) {
                for (int i = 0; i < n; i++) {
                    a.set(i, i * 0.5f + run);
                }
                plan.execute();
                for (int i = 0; i < n; i += 997) {
                    assertEquals(2 * (i * 0.5f + run) + 1, c.get(i), "run " + run + " element " + i);
                }
            }
            assertTrue(
                    device.graphReplays() - before >= 2,
                    "runs 2 and 3 replay the graph captured on run 2: " + (device.graphReplays() - before));
        } finally {
            System.clearProperty(PtxDevice.CUDA_GRAPHS);
        }
    }
}
