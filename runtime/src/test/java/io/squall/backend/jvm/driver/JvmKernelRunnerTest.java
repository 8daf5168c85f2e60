package io.squall.backend.jvm.driver;

import io.squall.api.annotations.Parallel;
import io.squall.api.annotations.Reduce;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmKernelRunnerTest {

    // ---- loop-parallel kernels ----

    static void vectorAdd(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    private static float square(float x) {
        return x * x;
    }

    /** Calls a private helper: the transformed copy must be a nestmate to reach it. */
    private static void squares(float[] in, float[] out, int n) {
        int limit = Math.min(n, out.length);
        for (@Parallel int i = 0; i < limit; i++) {
            out[i] = square(in[i]);
        }
    }

    static void matMul(FloatArray a, FloatArray b, FloatArray c, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float sum = 0f;
                for (int k = 0; k < n; k++) {
                    sum += a.get(i * n + k) * b.get(k * n + j);
                }
                c.set(i * n + j, sum);
            }
        }
    }

    static void fill3d(int[] out, int nx, int ny, int nz) {
        for (@Parallel int z = 0; z < nz; z++) {
            for (@Parallel int y = 0; y < ny; y++) {
                for (@Parallel int x = 0; x < nx; x++) {
                    out[(z * ny + y) * nx + x] = x + 100 * y + 10000 * z;
                }
            }
        }
    }

    /** Inclusive bound, odd start and a step of 3; the long parameter shifts local slots by two. */
    static void strided(long scale, int[] out, int last) {
        for (@Parallel int i = 1; i <= last; i += 3) {
            out[i] = (int) (i * scale);
        }
    }

    /** The bound reads memory, which the body might change, so it is not computed up front: cyclic split. */
    static void variantBound(int[] out, int[] bound) {
        for (@Parallel int i = 0; i < bound[0]; i++) {
            out[i] = i * 2;
        }
    }

    /** Counts visits: a split that skipped or repeated an iteration shows as a 0 or a 2. */
    static void visit(int[] visits, int from, int to) {
        for (@Parallel int i = from; i < to; i++) {
            visits[i] += 1;
        }
    }

    static void visitBy3(int[] visits, int from, int to) {
        for (@Parallel int i = from; i <= to; i += 3) {
            visits[i] += 1;
        }
    }

    static void sum(float[] in, @Reduce float[] result) {
        for (@Parallel int i = 0; i < in.length; i++) {
            result[0] += in[i];
        }
    }

    static void twoLoops(int[] a, int[] b) {
        for (@Parallel int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        for (@Parallel int i = 0; i < b.length; i++) {
            b[i] = a[a.length - 1 - i];
        }
    }

    static void withBreak(int[] a) {
        for (@Parallel int i = 0; i < a.length; i++) {
            if (a[i] < 0) {
                break;
            }
            a[i] = 1;
        }
    }

    static void writesAfterLoop(int[] a) {
        for (@Parallel int i = 0; i < a.length - 1; i++) {
            a[i] += 1;
        }
        a[a.length - 1] += 1;
    }

    static void insideSequentialLoop(int[] a, int steps) {
        for (int t = 0; t < steps; t++) {
            for (@Parallel int i = 0; i < a.length; i++) {
                a[i] += t;
            }
        }
    }

    static void throwing(int[] a) {
        for (@Parallel int i = 0; i < a.length; i++) {
            a[i] = 10 / (i - 5); // site:throwing
        }
    }

    /** Fails in the loop and uses a private helper, so its split copy must be a hidden nestmate. */
    static void throwingWithPrivateHelper(float[] in, float[] out) {
        for (@Parallel int i = 0; i < out.length; i++) {
            out[i] = square(in[i + 1]);
        }
    }

    static Method method(String name) {
        for (Method m : JvmKernelRunnerTest.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no method " + name);
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    @Test
    void vectorAddIsSplitAndMatchesJava() {
        assertTrue(
                JvmKernelRunner.strategy(method("vectorAdd")).startsWith("parallel: blocked"),
                JvmKernelRunner.strategy(method("vectorAdd")));
        for (int threads : new int[] {1, 2, 3, 7, 64}) {
            for (int n : new int[] {0, 1, 5, 1000, 4097}) {
                float[] x = random(n, 1), y = random(n, 2);
                FloatArray a = FloatArray.fromArray(x), b = FloatArray.fromArray(y), c = new FloatArray(n);
                c.init(Float.NaN);
                JvmKernelRunner.run(method("vectorAdd"), new Object[] {a, b, c}, null, null, threads);
                for (int i = 0; i < n; i++) {
                    assertEquals(x[i] + y[i], c.get(i), "n=" + n + " threads=" + threads + " i=" + i);
                }
            }
        }
    }

    @Test
    void privateHelperIsCallableFromTheParallelCopy() {
        assertTrue(
                JvmKernelRunner.strategy(method("squares")).startsWith("parallel:"),
                JvmKernelRunner.strategy(method("squares")));
        float[] in = random(999, 3);
        float[] out = new float[999];
        JvmKernelRunner.run(method("squares"), new Object[] {in, out, 2000}, null, null, 4);
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i] * in[i], out[i]);
        }
    }

    @Test
    void matMul2dMatchesJava() {
        int n = 67;
        float[] x = random(n * n, 4), y = random(n * n, 5);
        FloatArray c = new FloatArray(n * n);
        JvmKernelRunner.run(
                method("matMul"), new Object[] {FloatArray.fromArray(x), FloatArray.fromArray(y), c, n}, null, null, 3);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int k = 0; k < n; k++) {
                    sum += x[i * n + k] * y[k * n + j];
                }
                assertEquals(sum, c.get(i * n + j), "c[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void nested3dMatchesJava() {
        int nx = 5, ny = 4, nz = 3;
        int[] out = new int[nx * ny * nz];
        JvmKernelRunner.run(method("fill3d"), new Object[] {out, nx, ny, nz}, null, null, 2);
        int[] expected = new int[out.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    expected[(z * ny + y) * nx + x] = x + 100 * y + 10000 * z;
                }
            }
        }
        assertArrayEquals(expected, out);
    }

    @Test
    void inclusiveBoundWithStepVisitsEveryIterationOnce() {
        assertTrue(JvmKernelRunner.strategy(method("strided")).startsWith("parallel: blocked"));
        for (int threads = 1; threads <= 9; threads++) {
            int[] out = new int[100];
            JvmKernelRunner.run(method("strided"), new Object[] {7L, out, 97}, null, null, threads);
            int[] expected = new int[100];
            for (int i = 1; i <= 97; i += 3) {
                expected[i] = i * 7;
            }
            assertArrayEquals(expected, out, "threads=" + threads);
        }
    }

    @Test
    void everyIterationRunsExactlyOnceForAnySplit() {
        for (String kernel : new String[] {"visit", "visitBy3"}) {
            assertTrue(
                    JvmKernelRunner.strategy(method(kernel)).startsWith("parallel: blocked"),
                    JvmKernelRunner.strategy(method(kernel)));
        }
        Random r = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            boolean by3 = r.nextBoolean();
            int from = r.nextInt(20);
            int to = from + r.nextInt(300) - 20; // sometimes below from: no iterations
            int threads = 1 + r.nextInt(9);
            int[] visits = new int[Math.max(from, to) + 8];
            int[] expected = visits.clone();
            for (int i = from; by3 ? i <= to : i < to; i += by3 ? 3 : 1) {
                expected[i] = 1;
            }
            JvmKernelRunner.run(
                    method(by3 ? "visitBy3" : "visit"), new Object[] {visits, from, to}, null, null, threads);
            assertArrayEquals(
                    expected,
                    visits,
                    (by3 ? "visitBy3" : "visit") + " from=" + from + " to=" + to + " threads=" + threads);
        }
    }

    @Test
    void loopVariantBoundFallsBackToCyclicSplit() {
        assertTrue(
                JvmKernelRunner.strategy(method("variantBound")).startsWith("parallel: cyclic"),
                JvmKernelRunner.strategy(method("variantBound")));
        for (int threads = 1; threads <= 5; threads++) {
            int[] out = new int[50];
            JvmKernelRunner.run(method("variantBound"), new Object[] {out, new int[] {37}}, null, null, threads);
            for (int i = 0; i < 50; i++) {
                assertEquals(i < 37 ? 2 * i : 0, out[i], "threads=" + threads + " i=" + i);
            }
        }
    }

    /** An instance-method kernel: its receiver is argument 0; the parallel copy takes it first. */
    static final class Offsets {
        private final float[] offsets;

        Offsets(float[] offsets) {
            this.offsets = offsets;
        }

        void add(float[] in, float[] out) {
            for (@Parallel int i = 0; i < in.length; i++) {
                out[i] = in[i] + offset(i);
            }
        }

        private float offset(int i) {
            return offsets[i % offsets.length];
        }
    }

    @Test
    void anInstanceMethodRunsInParallelOnItsReceiver() throws NoSuchMethodException {
        Method add = Offsets.class.getDeclaredMethod("add", float[].class, float[].class);
        assertTrue(JvmKernelRunner.strategy(add).startsWith("parallel:"), JvmKernelRunner.strategy(add));
        float[] in = random(10_001, 9);
        float[] out = new float[in.length];
        Offsets receiver = new Offsets(new float[] {1, 2, 3});
        JvmKernelRunner.run(add, new Object[] {receiver, in, out}, null, null, 4);
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i] + (i % 3 + 1), out[i], "element " + i);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> JvmKernelRunner.run(add, new Object[] {in, out}, null, null, 4),
                "the receiver is missing");
    }

    static void tickets(int[] out, java.util.concurrent.atomic.AtomicInteger next) {
        for (@Parallel int i = 0; i < out.length; i++) {
            out[i] = next.getAndDecrement();
        }
    }

    @Test
    void aLoopUpdatingAnAtomicIntegerRunsInOrder() {
        assertTrue(JvmKernelRunner.strategy(method("tickets")).contains("AtomicInteger"));
        int[] out = new int[5000];
        var next = new java.util.concurrent.atomic.AtomicInteger(311);
        JvmKernelRunner.run(method("tickets"), new Object[] {out, next}, null, null, 4);
        for (int i = 0; i < out.length; i++) {
            assertEquals(311 - i, out[i], "iteration " + i);
        }
        assertEquals(311 - out.length, next.get());
    }

    @Test
    void reductionRunsSequentiallyAndExactly() {
        assertTrue(JvmKernelRunner.strategy(method("sum")).contains("@Reduce"));
        float[] in = random(10_000, 6);
        float[] result = {1.5f};
        JvmKernelRunner.run(method("sum"), new Object[] {in, result}, null, null, 4);
        float expected = 1.5f;
        for (float v : in) {
            expected += v;
        }
        assertEquals(expected, result[0]);
    }

    @Test
    void unsplittableLoopsRunSequentiallyWithTheirReason() {
        assertTrue(
                JvmKernelRunner.strategy(method("twoLoops")).contains("2 top-level"),
                JvmKernelRunner.strategy(method("twoLoops")));
        assertTrue(
                JvmKernelRunner.strategy(method("withBreak")).contains("break"),
                JvmKernelRunner.strategy(method("withBreak")));
        assertTrue(
                JvmKernelRunner.strategy(method("writesAfterLoop")).contains("array store outside"),
                JvmKernelRunner.strategy(method("writesAfterLoop")));
        assertTrue(
                JvmKernelRunner.strategy(method("insideSequentialLoop")).contains("loop around"),
                JvmKernelRunner.strategy(method("insideSequentialLoop")));

        int[] a = new int[100], b = new int[100];
        JvmKernelRunner.run(method("twoLoops"), new Object[] {a, b}, null, null, 4);
        for (int i = 0; i < 100; i++) {
            assertEquals(99 - i, b[i]);
        }
        int[] c = new int[10];
        c[6] = -1;
        JvmKernelRunner.run(method("withBreak"), new Object[] {c}, null, null, 4);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, -1, 0, 0, 0}, c);
        int[] d = new int[10];
        JvmKernelRunner.run(method("writesAfterLoop"), new Object[] {d}, null, null, 4);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, d);
        int[] e = new int[10];
        JvmKernelRunner.run(method("insideSequentialLoop"), new Object[] {e, 4}, null, null, 4);
        int[] expected = new int[10];
        Arrays.fill(expected, 0 + 1 + 2 + 3);
        assertArrayEquals(expected, e);
    }

    @Test
    void exceptionsNameTheKernel() {
        JvmKernelException e = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(method("throwing"), new Object[] {new int[20]}, null, null, 3));
        assertTrue(e.getMessage().contains("JvmKernelRunnerTest.throwing"), e.getMessage());
        assertTrue(e.getCause() instanceof ArithmeticException, String.valueOf(e.getCause()));
    }

    @Test
    void exceptionsInAParallelLoopNameTheKernelsSourceLine() throws java.io.IOException {
        assertTrue(
                JvmKernelRunner.strategy(method("throwing")).startsWith("parallel:"),
                JvmKernelRunner.strategy(method("throwing")));
        for (int workers : new int[] {1, 3}) {
            JvmKernelException e = assertThrows(
                    JvmKernelException.class,
                    () -> JvmKernelRunner.run(method("throwing"), new Object[] {new int[20]}, null, null, workers));
            assertTrue(e.getMessage().contains("/ by zero at " + site("throwing")), e.getMessage());
        }
    }

    @Test
    void aParallelKernelUsingPrivateHelpersStillRunsAndFailsClearly() {
        assertTrue(
                JvmKernelRunner.strategy(method("throwingWithPrivateHelper")).startsWith("parallel:"),
                JvmKernelRunner.strategy(method("throwingWithPrivateHelper")));
        JvmKernelException e = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(
                        method("throwingWithPrivateHelper"), new Object[] {new float[8], new float[8]}, null, null, 2));
        assertTrue(
                e.getMessage().contains("JvmKernelRunnerTest.throwingWithPrivateHelper")
                        && e.getMessage().contains("Index 8 out of bounds for length 8"),
                e.getMessage());
    }

    /** "JvmKernelRunnerTest.java:N" for the line marked {@code // site:<name>}. */
    private static String site(String name) throws java.io.IOException {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("src/test/java/io/squall/backend/jvm/driver/JvmKernelRunnerTest.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// site:" + name)) {
                return "JvmKernelRunnerTest.java:" + (i + 1);
            }
        }
        throw new IllegalStateException("no site " + name);
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException count = assertThrows(
                IllegalArgumentException.class,
                () -> JvmKernelRunner.run(method("vectorAdd"), new Object[] {new FloatArray(1)}, null, null, 1));
        assertTrue(count.getMessage().contains("takes 3 argument(s), got 1"), count.getMessage());
        IllegalArgumentException type = assertThrows(
                IllegalArgumentException.class,
                () -> JvmKernelRunner.run(
                        method("vectorAdd"),
                        new Object[] {new FloatArray(1), new IntArray(1), new FloatArray(1)},
                        null,
                        null,
                        1));
        assertTrue(type.getMessage().contains("argument 1: expected FloatArray, got IntArray"), type.getMessage());
    }
}
