package io.squall.jit.spirv;

import io.squall.api.GridScheduler;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.common.TornadoFunctions.*;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.*;
import io.squall.device.Devices;
import io.squall.exec.device.Backend;
import io.squall.exec.device.ComputeDevice;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every suite kernel as a one-task graph through a real execution plan on every {@code spirv:N} device (SPIR-V
 * through clCreateProgramWithIL, or translated to SPIR for cl_khr_spir devices), against the case's plain-Java
 * reference (the same references the JVM and OpenCL backends are checked against). Skipped, saying why, when no
 * device takes SPIR-V.
 */
class SpirvSuiteRunTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceOnEverySpirvDevice(SuiteCase c) {
        Backend spirv = Devices.backend("spirv");
        Assumptions.assumeTrue(spirv != null, "the spirv backend is not registered (META-INF/services)");
        List<? extends ComputeDevice> devices = spirv.devices();
        Assumptions.assumeTrue(!devices.isEmpty(), () -> "no device takes SPIR-V: " + spirv.unavailableReason());
        for (ComputeDevice d : devices) {
            run(c, d.id());
        }
    }

    static void run(SuiteCase c, String deviceId) {
        Object[] args = c.inputs().get();
        Object[] expected = c.inputs().get();
        c.reference().accept(expected);
        String graph = "spirv_" + c.name().replaceAll("[^A-Za-z0-9_]", "_");
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
            assertClose(c.name() + " on " + deviceId + ", arg " + o, expected[o], args[o], c.tolerance());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void addTask(TaskGraph g, SuiteCase c, Object[] a) {
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
            default -> fail("suite case " + c.name() + " has " + a.length + " arguments; extend addTask");
        }
    }

    /** Element values: long arrays exactly, everything else as doubles (halves widened, bytes signed). */
    static void assertClose(String what, Object expected, Object actual, double tolerance) {
        if (expected instanceof LongArray e && actual instanceof LongArray a) {
            for (int i = 0; i < e.getSize(); i++) {
                assertEquals(e.get(i), a.get(i), what + "[" + i + "]");
            }
            return;
        }
        double[] e = values(expected), a = values(actual);
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : tolerance == 0 ? e[i] == a[i] : Math.abs(e[i] - a[i]) <= tolerance * Math.max(1, Math.abs(e[i]));
            if (!ok) {
                fail(what + "[" + i + "]: expected " + e[i] + ", got " + a[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    static double[] values(Object array) {
        int n = array instanceof TornadoNativeArray t ? t.getSize() : Array.getLength(array);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = switch (array) {
                case FloatArray x -> x.get(i);
                case DoubleArray x -> x.get(i);
                case IntArray x -> x.get(i);
                case LongArray x -> x.get(i);
                case ShortArray x -> x.get(i);
                case ByteArray x -> x.get(i);
                case Int8Array x -> x.get(i);
                case HalfFloatArray x -> x.getFloat(i);
                default -> {
                    Object v = Array.get(array, i);
                    yield v instanceof Character ch ? ch : ((Number) v).doubleValue();
                }
            };
        }
        return d;
    }
}
