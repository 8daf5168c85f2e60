package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelContextTest {
    static final int TILE = io.squall.suite.Kernels.TILE;
    /** The kernel suite's tiled matrix multiply (local memory, two barriers per tile). */
    static final java.lang.reflect.Method SUITE_TILED_MATMUL = suiteMethod("matmulTiled");

    static java.lang.reflect.Method suiteMethod(String name) {
        for (java.lang.reflect.Method m : io.squall.suite.Kernels.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no suite kernel " + name);
    }

    /** Records every id the context reports, one slot per global work-item. */
    static void ids(KernelContext ctx, int[] out) {
        int gid = (ctx.globalIdz * ctx.globalGroupSizeY + ctx.globalIdy) * ctx.globalGroupSizeX + ctx.globalIdx;
        int base = gid * 6;
        out[base] = ctx.localIdx + 10 * ctx.localIdy + 100 * ctx.localIdz;
        out[base + 1] = ctx.groupIdx + 10 * ctx.groupIdy + 100 * ctx.groupIdz;
        out[base + 2] = ctx.localGroupSizeX + 10 * ctx.localGroupSizeY + 100 * ctx.localGroupSizeZ;
        out[base + 3] = ctx.globalGroupSizeX + 10 * ctx.globalGroupSizeY + 100 * ctx.globalGroupSizeZ;
        out[base + 4] = ctx.globalIdx;
        out[base + 5] += 1;
    }

    /** Classic tree reduction in local memory; one partial sum per group. The barrier is in a static helper. */
    static void treeReduce(KernelContext ctx, FloatArray in, FloatArray partials) {
        float[] scratch = ctx.allocateFloatLocalArray(64);
        int lid = ctx.localIdx;
        scratch[lid] = in.get(ctx.globalIdx);
        sync(ctx);
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                scratch[lid] += scratch[lid + stride];
            }
            sync(ctx);
        }
        if (lid == 0) {
            partials.set(ctx.groupIdx, scratch[0]);
        }
    }

    private static void sync(KernelContext ctx) {
        ctx.globalBarrier();
    }

    static void histogram(KernelContext ctx, IntArray values, IntArray bins) {
        int[] local = ctx.allocateIntLocalArray(4);
        ctx.atomicAdd(local, values.get(ctx.globalIdx) % 4, 1);
        ctx.localBarrier();
        if (ctx.localIdx < 4) {
            ctx.atomicAdd(bins, ctx.localIdx, local[ctx.localIdx]);
        }
    }

    static void atomicCount(KernelContext ctx, IntArray counter, FloatArray sum) {
        ctx.atomicAdd(counter, 0, 1);
        ctx.atomicAdd(sum, 0, 0.5f);
    }

    static void divergent(KernelContext ctx, IntArray out) {
        if (ctx.localIdx == 3) {
            return;
        }
        ctx.localBarrier();
        out.set(ctx.globalIdx, 1);
    }

    static void failing(KernelContext ctx, IntArray out) {
        ctx.localBarrier();
        out.set(ctx.globalIdx == 10 ? 99 : ctx.globalIdx, 1);
    }

    static void failingNoBarrier(KernelContext ctx, IntArray out) {
        out.set(ctx.globalIdx == 3 && ctx.globalIdy == 0 ? -1 : ctx.globalIdx, 1);
    }

    static Method method(String name) {
        for (Method m : KernelContextTest.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no method " + name);
    }

    @Test
    void everyWorkItemSeesItsOwnIds() {
        long[] global = {4, 6, 2};
        long[] local = {2, 3, 1};
        int[] out = new int[4 * 6 * 2 * 6];
        assertTrue(
                JvmKernelRunner.strategy(method("ids")).contains("as a loop with the kernel inlined"),
                JvmKernelRunner.strategy(method("ids")));
        JvmKernelRunner.run(method("ids"), new Object[] {new KernelContext(), out}, global, local, 3);
        for (int z = 0; z < 2; z++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 4; x++) {
                    int base = ((z * 6 + y) * 4 + x) * 6;
                    String at = "(" + x + "," + y + "," + z + ")";
                    assertEquals(x % 2 + 10 * (y % 3), out[base], "local id " + at);
                    assertEquals(x / 2 + 10 * (y / 3) + 100 * z, out[base + 1], "group id " + at);
                    assertEquals(2 + 30 + 100, out[base + 2], "local size " + at);
                    assertEquals(4 + 60 + 200, out[base + 3], "global size " + at);
                    assertEquals(x, out[base + 4], "global id " + at);
                    assertEquals(1, out[base + 5], "runs once " + at);
                }
            }
        }
    }

    @Test
    void tiledMatMulWithLocalMemoryAndBarriers() {
        assertTrue(JvmKernelRunner.strategy(SUITE_TILED_MATMUL).contains("virtual threads"));
        int n = 32;
        Random r = new Random(7);
        float[] x = new float[n * n], y = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            x[i] = r.nextInt(10) - 5;
            y[i] = r.nextInt(10) - 5;
        }
        FloatArray c = new FloatArray(n * n);
        JvmKernelRunner.run(
                SUITE_TILED_MATMUL,
                new Object[] {new KernelContext(), FloatArray.fromArray(x), FloatArray.fromArray(y), c, n},
                new long[] {n, n},
                new long[] {TILE, TILE},
                2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += x[i * n + k] * y[k * n + j];
                }
                assertEquals(sum, c.get(i * n + j), "c[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void treeReductionWithBarrierInAHelper() {
        assertTrue(
                JvmKernelRunner.strategy(method("treeReduce")).contains("virtual threads"),
                "the barrier in sync() must be found through the static call");
        int n = 64 * 10;
        FloatArray in = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            in.set(i, i % 17);
        }
        FloatArray partials = new FloatArray(10);
        JvmKernelRunner.run(
                method("treeReduce"),
                new Object[] {new KernelContext(), in, partials},
                new long[] {n},
                new long[] {64},
                4);
        for (int g = 0; g < 10; g++) {
            float expected = 0;
            for (int i = g * 64; i < (g + 1) * 64; i++) {
                expected += i % 17;
            }
            assertEquals(expected, partials.get(g), "group " + g);
        }
    }

    @Test
    void atomicsOnLocalAndGlobalMemory() {
        int n = 256;
        IntArray values = new IntArray(n);
        int[] expected = new int[4];
        for (int i = 0; i < n; i++) {
            values.set(i, i * 7 + 3);
            expected[(i * 7 + 3) % 4]++;
        }
        IntArray bins = new IntArray(4);
        JvmKernelRunner.run(
                method("histogram"),
                new Object[] {new KernelContext(), values, bins},
                new long[] {n},
                new long[] {32},
                4);
        assertArrayEquals(expected, bins.toHeapArray());

        IntArray counter = new IntArray(1);
        FloatArray sum = new FloatArray(1);
        JvmKernelRunner.run(
                method("atomicCount"), new Object[] {new KernelContext(), counter, sum}, new long[] {1000}, null, 4);
        assertEquals(1000, counter.get(0));
        assertEquals(500f, sum.get(0));
    }

    @Test
    void barrierNotReachedByEveryWorkItemIsReported() {
        JvmKernelException e = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(
                        method("divergent"),
                        new Object[] {new KernelContext(), new IntArray(16)},
                        new long[] {16},
                        new long[] {8},
                        2));
        assertTrue(e.getMessage().contains("KernelContextTest.divergent"), e.getMessage());
        assertTrue(e.getMessage().contains("work-item 3 of group "), e.getMessage());
        assertTrue(e.getMessage().contains("finished without reaching the barrier"), e.getMessage());
    }

    @Test
    void exceptionsNameTheWorkItem() {
        JvmKernelException e = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(
                        method("failing"),
                        new Object[] {new KernelContext(), new IntArray(20)},
                        new long[] {16},
                        new long[] {4},
                        2));
        assertTrue(e.getMessage().contains("work-item 2 of group 2 (global id 10)"), e.getMessage());
        assertTrue(e.getCause() instanceof IndexOutOfBoundsException, String.valueOf(e.getCause()));

        JvmKernelException loop = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(
                        method("failingNoBarrier"),
                        new Object[] {new KernelContext(), new IntArray(16)},
                        new long[] {4, 4},
                        new long[] {2, 2},
                        1));
        assertTrue(loop.getMessage().contains("global id (3,0)"), loop.getMessage());
    }

    @Test
    void badLaunchesAreExplained() {
        IllegalArgumentException noGrid = assertThrows(
                IllegalArgumentException.class,
                () -> JvmKernelRunner.run(
                        method("ids"), new Object[] {new KernelContext(), new int[6]}, null, null, 1));
        assertTrue(noGrid.getMessage().contains("needs a launch grid"), noGrid.getMessage());
        IllegalArgumentException notMultiple = assertThrows(
                IllegalArgumentException.class,
                () -> JvmKernelRunner.run(
                        method("ids"),
                        new Object[] {new KernelContext(), new int[600]},
                        new long[] {100},
                        new long[] {32},
                        1));
        assertTrue(
                notMultiple.getMessage().contains("global size 100 in dimension 0 is not a multiple of the local"),
                notMultiple.getMessage());
    }
}
