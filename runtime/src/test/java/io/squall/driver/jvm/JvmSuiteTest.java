package io.squall.driver.jvm;

import io.squall.api.WorkerGrid;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every kernel of the shared suite, run by the JVM backend with several threads, against its plain-Java reference. */
class JvmSuiteTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(SuiteCase c) {
        ResolvedTask task = TaskResolver.resolve(c.task());
        assertEquals(0, task.capturedArgs().length, "suite tasks are plain method references");
        Object[] expected = c.inputs().get();
        c.reference().accept(expected);
        Object[] actual = c.inputs().get();
        WorkerGrid grid = c.grid();
        JvmKernelRunner.run(task.method(), actual, grid == null ? null : grid.getGlobalWork(),
                grid == null ? null : grid.getLocalWork(), 3);
        assertNull(mismatch(c, expected, actual), () -> c.name() + " (" + JvmKernelRunner.strategy(task.method()) + ")");
    }

    /** The first output element differing beyond the case's tolerance (relative, with the same absolute floor), or null. */
    static String mismatch(SuiteCase c, Object[] expected, Object[] actual) {
        for (int out : c.outputArgs()) {
            if (expected[out] instanceof LongArray || expected[out] instanceof long[]) {
                long[] e = expected[out] instanceof LongArray l ? l.toHeapArray() : (long[]) expected[out];
                long[] a = actual[out] instanceof LongArray l ? l.toHeapArray() : (long[]) actual[out];
                for (int i = 0; i < e.length; i++) {
                    if (e[i] != a[i]) {
                        return "arg " + out + "[" + i + "]: expected " + e[i] + " but was " + a[i];
                    }
                }
                continue;
            }
            double[] e = values(expected[out]);
            double[] a = values(actual[out]);
            for (int i = 0; i < e.length; i++) {
                boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                        : c.tolerance() == 0 ? e[i] == a[i] : Math.abs(e[i] - a[i]) <= c.tolerance() * Math.max(1, Math.abs(e[i]));
                if (!ok) {
                    return "arg " + out + "[" + i + "]: expected " + e[i] + " but was " + a[i];
                }
            }
        }
        return null;
    }

    private static double[] values(Object array) {
        int n = array instanceof io.squall.api.types.arrays.TornadoNativeArray t ? t.getSize() : java.lang.reflect.Array.getLength(array);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (array) {
                case FloatArray x -> x.get(i);
                case DoubleArray x -> x.get(i);
                case IntArray x -> x.get(i);
                case ShortArray x -> x.get(i);
                case ByteArray x -> x.get(i);
                case Int8Array x -> x.get(i);
                case HalfFloatArray x -> x.getFloat(i);
                case float[] x -> x[i];
                case int[] x -> x[i];
                case double[] x -> x[i];
                case short[] x -> x[i];
                case byte[] x -> x[i];
                default -> throw new IllegalArgumentException("unsupported output array " + array.getClass().getSimpleName());
            };
        }
        return v;
    }
}
