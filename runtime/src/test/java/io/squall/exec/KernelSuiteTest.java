package io.squall.exec;

import io.squall.api.GridScheduler;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.common.TornadoFunctions.*;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.*;
import io.squall.device.Devices;
import io.squall.exec.device.ComputeDevice;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        Object[] args = c.inputs().get();
        Object[] expected = c.inputs().get();
        c.reference().accept(expected);
        String graph = "suite_" + c.name().replaceAll("[^A-Za-z0-9_]", "_");
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
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(deviceId))) {
            if (c.grid() != null) {
                plan.withGridScheduler(new GridScheduler(graph + ".t", c.grid()));
            }
            var profile = plan.execute().getProfilerResult();
            assertEquals(deviceId, profile.getTaskProfiles().getFirst().device, "ran where it was asked to, no fallback");
        }
        for (int o : c.outputArgs()) {
            assertClose(c.name() + " arg " + o, expected[o], args[o], c.tolerance());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void addTask(TaskGraph g, SuiteCase c, Object[] a) {
        Object t = c.task();
        switch (a.length) {
            case 0 -> g.task("t", (Task) t);
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

    static double[] values(Object array) {
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
                if (!array.getClass().isArray()) {
                    throw new IllegalArgumentException("cannot compare a " + array.getClass());
                }
                double[] d = new double[Array.getLength(array)];
                for (int i = 0; i < d.length; i++) {
                    Object v = Array.get(array, i);
                    d[i] = v instanceof Character ch ? ch : ((Number) v).doubleValue();
                }
                yield d;
            }
        };
    }

    static void assertClose(String what, Object expected, Object actual, double tolerance) {
        double[] e = values(expected), a = values(actual);
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(e[i] - a[i]);
            boolean ok = tolerance == 0 ? e[i] == a[i] || Double.isNaN(e[i]) && Double.isNaN(a[i])
                    : diff <= tolerance * Math.max(1, Math.abs(e[i]));
            if (!ok) {
                fail(what + "[" + i + "]: expected " + e[i] + ", got " + a[i] + " (tolerance " + tolerance + ")");
            }
        }
        assertTrue(e.length > 0 || a.length == 0);
    }

    static {
        HalfFloat.class.getName();
    }
}
