package io.squall.suite;

import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.common.TornadoFunctions.Task;
import io.squall.api.common.TornadoFunctions.Task1;
import io.squall.api.common.TornadoFunctions.Task10;
import io.squall.api.common.TornadoFunctions.Task2;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.common.TornadoFunctions.Task4;
import io.squall.api.common.TornadoFunctions.Task5;
import io.squall.api.common.TornadoFunctions.Task6;
import io.squall.api.common.TornadoFunctions.Task7;
import io.squall.api.common.TornadoFunctions.Task8;
import io.squall.api.common.TornadoFunctions.Task9;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.api.types.matrix.Matrix2DFloat;
import io.squall.api.types.matrix.Matrix2DFloat4;
import io.squall.api.types.matrix.Matrix3DInt;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Running a {@link SuiteCase} and comparing its outputs with the case's plain-Java reference; shared by every backend's suite test. */
public final class SuiteAssertions {
    private SuiteAssertions() {}

    /**
     * Runs the case as a one-task graph (named {@code graphPrefix + case name}) through a real execution plan on
     * {@code deviceId} and asserts it ran there and its outputs match the reference.
     */
    public static void assertPlanMatchesReference(SuiteCase c, String deviceId, String graphPrefix) {
        Object[] args = c.inputs().get();
        Object[] expected = c.inputs().get();
        c.reference().accept(expected);
        String graph = graphPrefix + c.name().replaceAll("[^A-Za-z0-9_]", "_");
        TaskGraph g = taskGraph(graph, c, args);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(deviceId))) {
            if (c.grid() != null) {
                plan.withGridScheduler(new GridScheduler(graph + ".t", c.grid()));
            }
            var profile = plan.execute().getProfilerResult();
            assertEquals(
                    deviceId, profile.getTaskProfiles().getFirst().device, "ran where it was asked to, no fallback");
        } catch (io.squall.api.exceptions.TornadoExecutionPlanException e) {
            throw new AssertionError(c.name() + " on " + deviceId + ": closing the plan failed", e);
        }
        assertNull(mismatch(c, expected, args), () -> c.name() + " on " + deviceId);
    }

    /** A graph that copies every array in each execution, runs the case's task as {@code t} and copies its outputs back. */
    public static TaskGraph taskGraph(String name, SuiteCase c, Object[] args) {
        TaskGraph g = new TaskGraph(name);
        List<Object> arrays = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof TornadoNativeArray
                    || a instanceof ArrayBacked
                    || a instanceof java.util.concurrent.atomic.AtomicInteger
                    || a.getClass().isArray()) {
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
        return g;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void addTask(TaskGraph g, SuiteCase c, Object[] a) {
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
            default ->
                throw new IllegalArgumentException(
                        "suite case " + c.name() + " has " + a.length + " arguments; extend addTask");
        }
    }

    /** A deep copy of the arguments (arrays copied, a fresh KernelContext), for the reference. */
    public static Object[] copy(Object[] args) {
        Object[] out = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = switch (args[i]) {
                case FloatArray a -> FloatArray.fromSegment(a.getSegment());
                case DoubleArray a -> DoubleArray.fromSegment(a.getSegment());
                case IntArray a -> IntArray.fromSegment(a.getSegment());
                case LongArray a -> LongArray.fromSegment(a.getSegment());
                case ShortArray a -> ShortArray.fromSegment(a.getSegment());
                case ByteArray a -> ByteArray.fromSegment(a.getSegment());
                case Int8Array a -> Int8Array.fromSegment(a.getSegment());
                case HalfFloatArray a -> HalfFloatArray.fromSegment(a.getSegment());
                case float[] a -> a.clone();
                case int[] a -> a.clone();
                case long[] a -> a.clone();
                case double[] a -> a.clone();
                case short[] a -> a.clone();
                case byte[] a -> a.clone();
                case KernelContext k -> new KernelContext();
                case java.util.concurrent.atomic.AtomicInteger ai ->
                    new java.util.concurrent.atomic.AtomicInteger(ai.get());
                case Matrix2DFloat m ->
                    new Matrix2DFloat(
                            m.getNumRows(),
                            m.getNumColumns(),
                            FloatArray.fromSegment(m.getStorage().getSegment()));
                case Matrix2DFloat4 m ->
                    new Matrix2DFloat4(
                            m.getNumRows(),
                            m.getNumColumns(),
                            FloatArray.fromSegment(m.getStorage().getSegment()));
                case Matrix3DInt m ->
                    new Matrix3DInt(
                            m.getNumRows(),
                            m.getNumColumns(),
                            m.getDepth(),
                            IntArray.fromSegment(m.getStorage().getSegment()));
                case ArrayBacked b ->
                    throw new IllegalArgumentException(
                            "copy: add a case for " + b.getClass().getSimpleName());
                default -> args[i];
            };
        }
        return out;
    }

    /**
     * The first output element differing from the reference, or null when all match: longs exactly (doubles lose
     * bits above 2^53), NaN only with NaN, others within the case's tolerance (relative, with the same absolute floor; 0 = exact).
     */
    public static String mismatch(SuiteCase c, Object[] expected, Object[] actual) {
        expected = storageOf(expected);
        actual = storageOf(actual);
        for (int out : c.outputArgs()) {
            long[] el = longValues(expected[out]);
            if (el != null) {
                long[] al = longValues(actual[out]);
                if (al == null || al.length != el.length) {
                    return "arg " + out + ": expected " + el.length + " longs, got " + actual[out];
                }
                for (int i = 0; i < el.length; i++) {
                    if (el[i] != al[i]) {
                        return "arg " + out + "[" + i + "]: expected " + el[i] + " but was " + al[i];
                    }
                }
                continue;
            }
            double[] e = values(expected[out]);
            double[] a = values(actual[out]);
            if (e.length != a.length) {
                return "arg " + out + ": expected " + e.length + " elements but was " + a.length;
            }
            for (int i = 0; i < e.length; i++) {
                boolean ok = Double.isNaN(e[i])
                        ? Double.isNaN(a[i])
                        : c.tolerance() == 0
                                ? e[i] == a[i]
                                : Math.abs(e[i] - a[i]) <= c.tolerance() * Math.max(1, Math.abs(e[i]));
                if (!ok) {
                    return "arg " + out + "[" + i + "]: expected " + e[i] + " but was " + a[i] + " (tolerance "
                            + c.tolerance() + ")";
                }
            }
        }
        return null;
    }

    /** Matrix and vector arguments compared as the arrays behind them, an AtomicInteger as its value. */
    private static Object[] storageOf(Object[] args) {
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof ArrayBacked backed) {
                out[i] = backed.getStorage();
            } else if (out[i] instanceof java.util.concurrent.atomic.AtomicInteger ai) {
                out[i] = new int[] {ai.get()};
            }
        }
        return out;
    }

    private static long[] longValues(Object a) {
        return a instanceof LongArray l ? l.toHeapArray() : a instanceof long[] x ? x : null;
    }

    /** Element values as doubles: halves widened, bytes signed, chars as their code, booleans as 0/1. */
    public static double[] values(Object array) {
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
                default ->
                    switch (Array.get(array, i)) {
                        case Character ch -> ch;
                        case Boolean b -> b ? 1 : 0;
                        case Number v -> v.doubleValue();
                        default ->
                            throw new IllegalArgumentException(
                                    "cannot compare a " + array.getClass().getSimpleName());
                    };
            };
        }
        return d;
    }
}
