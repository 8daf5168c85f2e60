package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.common.TornadoFunctions.Task7;
import io.squall.api.types.BFloat16;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FP8Array;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.ShortArray;
import io.squall.backend.ptx.PtxDevice;
import io.squall.device.Devices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.Random;
import java.util.function.Supplier;

import static io.squall.backend.jvm.driver.WarpCollectivesTest.WARP;
import static io.squall.backend.jvm.driver.WarpCollectivesTest.randoms;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * WarpCollectivesTest's tensor-core and SIMD-group kernels on {@code ptx:0}, each against the same kernel on the JVM
 * backend (the reference): integers and moved values equal, float sums within a tolerance (the GPU adds in another
 * order). Skipped (with the reason) where there is no CUDA driver or GPU; the FP8 case also below compute capability
 * 8.9. scripts/bench-gpu runs it on a GPU machine.
 */
class WarpCollectivesOnPtxTest {
    private static void assumeGpu() {
        Assumptions.assumeFalse(
                Devices.backend("ptx").devices().isEmpty(),
                () -> "no ptx device: " + Devices.backend("ptx").unavailableReason());
    }

    /** Runs the kernel on the JVM and on ptx:0 with fresh outputs from {@code args}; returns {jvm, ptx} arguments. */
    private static Object[][] both(String name, Serializable task, Supplier<Object[]> args, int global, int local) {
        Object[] jvm = args.get();
        Object[] ptx = args.get();
        WarpCollectivesTest.run("jvm", name + "Jvm", task, jvm, global, local);
        WarpCollectivesTest.run("ptx:0", name + "Ptx", task, ptx, global, local);
        return new Object[][] {jvm, ptx};
    }

    private static void assertSame(FloatArray jvm, FloatArray ptx, double tolerance, String what) {
        for (int i = 0; i < jvm.getSize(); i++) {
            assertEquals(jvm.get(i), ptx.get(i), tolerance, what + " element " + i);
        }
    }

    private static void assertSame(IntArray jvm, IntArray ptx, String what) {
        for (int i = 0; i < jvm.getSize(); i++) {
            assertEquals(jvm.get(i), ptx.get(i), what + " element " + i);
        }
    }

    private static HalfFloatArray halves(int n, long seed) {
        float[] x = randoms(n, seed);
        HalfFloatArray h = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            h.set(i, new HalfFloat(x[i]));
        }
        return h;
    }

    @Test
    void fp16GemmMatchesTheJvm() {
        assumeGpu();
        int m = 64, n = 32, k = 64;
        HalfFloatArray a = halves(m * k, 1), b = halves(k * n, 2);
        Object[][] r = both(
                "ptxMmaHalf",
                (Task7<KernelContext, HalfFloatArray, HalfFloatArray, FloatArray, Integer, Integer, Integer>)
                        WarpCollectivesTest::gemmHalf,
                () -> new Object[] {new KernelContext(), a, b, new FloatArray(m * n), m, n, k},
                (m / 16) * (n / 8) * WARP,
                2 * WARP);
        assertSame((FloatArray) r[0][3], (FloatArray) r[1][3], 1e-3, "C");
    }

    @Test
    void bf16AndSwizzledGemmsMatchTheJvm() {
        assumeGpu();
        int m = 32, n = 16, k = 48;
        float[] av = randoms(m * k, 3), bv = randoms(k * n, 4);
        ShortArray sa = new ShortArray(m * k), sb = new ShortArray(k * n);
        for (int i = 0; i < av.length; i++) {
            sa.set(i, BFloat16.bf16FromFloat(av[i]));
        }
        for (int i = 0; i < bv.length; i++) {
            sb.set(i, BFloat16.bf16FromFloat(bv[i]));
        }
        Object[][] r = both(
                "ptxMmaBf16",
                (Task7<KernelContext, ShortArray, ShortArray, FloatArray, Integer, Integer, Integer>)
                        WarpCollectivesTest::gemmBf16,
                () -> new Object[] {new KernelContext(), sa, sb, new FloatArray(m * n), m, n, k},
                (m / 16) * (n / 8) * WARP,
                WARP);
        assertSame((FloatArray) r[0][3], (FloatArray) r[1][3], 1e-3, "bf16 C");

        HalfFloatArray ha = halves(m * k, 5), hb = halves(k * n, 6);
        r = both(
                "ptxMmaSwizzled",
                (Task7<KernelContext, HalfFloatArray, HalfFloatArray, FloatArray, Integer, Integer, Integer>)
                        WarpCollectivesTest::gemmSwizzled,
                () -> new Object[] {new KernelContext(), ha, hb, new FloatArray(m * n), m, n, k},
                (m / 16) * (n / 8) * WARP,
                WARP);
        assertSame((FloatArray) r[0][3], (FloatArray) r[1][3], 1e-3, "swizzled C");
    }

    @Test
    void int8GemmIsExactOnTheGpuToo() {
        assumeGpu();
        int m = 32, n = 16, k = 96;
        Random rnd = new Random(7);
        ByteArray a = new ByteArray(m * k), b = new ByteArray(k * n);
        for (int i = 0; i < m * k; i++) {
            a.set(i, (byte) (rnd.nextInt(256) - 128));
        }
        for (int i = 0; i < k * n; i++) {
            b.set(i, (byte) (rnd.nextInt(256) - 128));
        }
        Object[][] r = both(
                "ptxMmaInt8",
                (Task7<KernelContext, ByteArray, ByteArray, IntArray, Integer, Integer, Integer>)
                        WarpCollectivesTest::gemmInt8,
                () -> new Object[] {new KernelContext(), a, b, new IntArray(m * n), m, n, k},
                (m / 16) * (n / 8) * WARP,
                WARP);
        assertSame((IntArray) r[0][3], (IntArray) r[1][3], "int8 C");
    }

    @Test
    void fp8GemmsMatchTheJvmOnAdaOrNewer() {
        assumeGpu();
        PtxDevice device = (PtxDevice) Devices.get("ptx:0");
        Assumptions.assumeTrue(
                device.target().capability() >= 89,
                () -> "FP8 mma needs compute capability 8.9; ptx:0 is "
                        + device.target().sm());
        int n = 8, k = 32;
        Random rnd = new Random(8);
        float[] av = new float[16 * k], bv = new float[k * n];
        for (int i = 0; i < av.length; i++) {
            av[i] = (rnd.nextInt(16) - 8) * 0.25f;
        }
        for (int i = 0; i < bv.length; i++) {
            bv[i] = (rnd.nextInt(16) - 8) * 0.25f;
        }
        for (int e5m2 = 0; e5m2 < 2; e5m2++) {
            FP8Array a = e5m2 == 1 ? FP8Array.fromFloatsE5M2(av) : FP8Array.fromFloatsE4M3(av);
            FP8Array b = e5m2 == 1 ? FP8Array.fromFloatsE5M2(bv) : FP8Array.fromFloatsE4M3(bv);
            int format = e5m2;
            Object[][] r = both(
                    "ptxMmaFp8" + e5m2,
                    (Task7<KernelContext, FP8Array, FP8Array, FloatArray, Integer, Integer, Integer>)
                            WarpCollectivesTest::gemmFp8,
                    () -> new Object[] {new KernelContext(), a, b, new FloatArray(16 * n), format, n, k},
                    WARP,
                    WARP);
            assertSame((FloatArray) r[0][3], (FloatArray) r[1][3], 0, e5m2 == 1 ? "E5M2" : "E4M3");
        }
    }

    @Test
    void fragmentLayoutIsTheJvms() {
        assumeGpu();
        IntArray tile = new IntArray(128);
        for (int p = 0; p < 128; p++) {
            tile.set(p, p * 0x10001 + 0x00030000);
        }
        Object[][] r = both(
                "ptxFragA",
                (Task3<KernelContext, IntArray, IntArray>) WarpCollectivesTest::fragmentA,
                () -> new Object[] {new KernelContext(), tile, new IntArray(WARP * 8)},
                WARP,
                WARP);
        assertSame((IntArray) r[0][2], (IntArray) r[1][2], "fragment");
    }

    /** Groups of 48: one whole warp and one of 16 lanes, whose collectives see only their 16. */
    @Test
    void simdOperationsMatchTheJvmWithWholeAndPartialWarps() {
        assumeGpu();
        int groups = 3, local = 48;
        FloatArray in = new FloatArray(groups * local);
        for (int i = 0; i < in.getSize(); i++) {
            in.set(i, (i * 37) % 101 - 50);
        }
        Object[][] r = both(
                "ptxSimd",
                (Task3<KernelContext, FloatArray, FloatArray>) WarpCollectivesTest::simd,
                () -> new Object[] {new KernelContext(), in, new FloatArray(4 * in.getSize())},
                groups * local,
                local);
        assertSame((FloatArray) r[0][2], (FloatArray) r[1][2], 0, "simd"); // small integers: exact in any order
    }
}
