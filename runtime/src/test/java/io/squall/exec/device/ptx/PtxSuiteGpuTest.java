package io.squall.exec.device.ptx;

import io.squall.api.GridScheduler;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.common.TornadoFunctions.*;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.*;
import io.squall.device.Devices;
import io.squall.exec.TestKernels;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole kernel suite on {@code ptx:0} through real task graphs, against the plain-Java references, and CUDA
 * graph replay of a re-executed plan. Skipped (with the reason) where there is no CUDA driver or GPU.
 */
class PtxSuiteGpuTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    private static void assumeGpu() {
        Assumptions.assumeFalse(Devices.backend("ptx").devices().isEmpty(),
                () -> "no ptx device: " + Devices.backend("ptx").unavailableReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(SuiteCase c) {
        assumeGpu();
        Object[] args = c.inputs().get();
        Object[] expected = c.inputs().get();
        c.reference().accept(expected);
        String graph = "ptxsuite_" + c.name().replaceAll("[^A-Za-z0-9_]", "_");
        TaskGraph g = new TaskGraph(graph);
        List<Object> arrays = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof TornadoNativeArray || a.getClass().isArray()) {
                arrays.add(a);
            }
        }
        if (!arrays.isEmpty()) {
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        }
        addTask(g, c, args);
        Object[] outputs = new Object[c.outputArgs().length];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = args[c.outputArgs()[i]];
        }
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, outputs);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("ptx:0"))) {
            if (c.grid() != null) {
                plan.withGridScheduler(new GridScheduler(graph + ".t", c.grid()));
            }
            var profile = plan.execute().getProfilerResult();
            assertEquals("ptx:0", profile.getTaskProfiles().getFirst().device, "ran on the GPU, no fallback");
        }
        for (int o : c.outputArgs()) {
            assertClose(c.name() + " arg " + o, expected[o], args[o], c.tolerance());
        }
    }

    @Test
    void reExecutedPlanReplaysACudaGraphWithNewInputs() {
        assumeGpu();
        int n = 1 << 16;
        FloatArray a = new FloatArray(n), b = new FloatArray(n), c = new FloatArray(n);
        TaskGraph g = new TaskGraph("ptxgraphs").transferToDevice(DataTransferMode.EVERY_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b).task("plusOne", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        PtxDevice device = (PtxDevice) Devices.get("ptx:0");
        System.setProperty(PtxDevice.CUDA_GRAPHS, "true");
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("ptx:0"))) {
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
            assertTrue(device.graphReplays() - before >= 2, "runs 2 and 3 replay the graph captured on run 2: " + (device.graphReplays() - before));
        } finally {
            System.clearProperty(PtxDevice.CUDA_GRAPHS);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void addTask(TaskGraph g, SuiteCase c, Object[] a) {
        Object t = c.task();
        switch (a.length) {
            case 1 -> g.task("t", (Task1) t, a[0]);
            case 2 -> g.task("t", (Task2) t, a[0], a[1]);
            case 3 -> g.task("t", (Task3) t, a[0], a[1], a[2]);
            case 4 -> g.task("t", (Task4) t, a[0], a[1], a[2], a[3]);
            case 5 -> g.task("t", (Task5) t, a[0], a[1], a[2], a[3], a[4]);
            case 6 -> g.task("t", (Task6) t, a[0], a[1], a[2], a[3], a[4], a[5]);
            case 7 -> g.task("t", (Task7) t, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
            case 8 -> g.task("t", (Task8) t, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            case 9 -> g.task("t", (Task9) t, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
            case 10 -> g.task("t", (Task10) t, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
            default -> fail("suite case " + c.name() + " has " + a.length + " arguments; extend addTask");
        }
    }

    private static double[] values(Object array) {
        return switch (array) {
            case FloatArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case DoubleArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case IntArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case LongArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case ShortArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case ByteArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case Int8Array x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.get(i); yield d; }
            case HalfFloatArray x -> { double[] d = new double[x.getSize()]; for (int i = 0; i < d.length; i++) d[i] = x.getFloat(i); yield d; }
            default -> {
                double[] d = new double[Array.getLength(array)];
                for (int i = 0; i < d.length; i++) {
                    Object v = Array.get(array, i);
                    d[i] = v instanceof Character ch ? ch : v instanceof Boolean bo ? (bo ? 1 : 0) : ((Number) v).doubleValue();
                }
                yield d;
            }
        };
    }

    /** Same rule as the OpenCL suite: exact when the tolerance is 0, else relative (absolute below 1). */
    private static void assertClose(String what, Object expected, Object actual, double tolerance) {
        double[] e = values(expected), a = values(actual);
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(e[i] - a[i]);
            boolean ok = tolerance == 0 ? e[i] == a[i] || Double.isNaN(e[i]) && Double.isNaN(a[i])
                    : diff <= tolerance * Math.max(1, Math.abs(e[i])) || Double.isNaN(e[i]) && Double.isNaN(a[i]);
            if (!ok) {
                fail(what + "[" + i + "]: expected " + e[i] + ", got " + a[i] + " (tolerance " + tolerance + ")");
            }
        }
    }
}
