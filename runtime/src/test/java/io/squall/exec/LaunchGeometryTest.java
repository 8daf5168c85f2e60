package io.squall.exec;

import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid1D;
import io.squall.api.WorkerGrid2D;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.device.Devices;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The launch sizes the executor chooses, from real JIT kernels, on a device that only reports its properties. */
class LaunchGeometryTest {
    static void scale(FloatArray a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            a.set(i, a.get(i) * 2);
        }
    }

    static void scaleStepInclusive(FloatArray a, int last) {
        for (@Parallel int i = 1; i <= last; i += 3) {
            a.set(i, a.get(i) * 2);
        }
    }

    static void scaleDataBound(FloatArray a) {
        for (@Parallel int i = 0; i < (int) a.get(0); i++) {
            a.set(i, 1);
        }
    }

    static void grid2d(FloatArray a, int n, int m) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < m; j++) {
                a.set(i * m + j, 0);
            }
        }
    }

    /** 2 KB of private floats per work-item, as the prompt products' converted weight segments. */
    static void privateSegment(FloatArray a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float[] segment = new float[512];
            for (int k = 0; k < 512; k++) {
                segment[k] = i + k;
            }
            float sum = 0;
            for (int k = 0; k < 512; k += 7) {
                sum += segment[k];
            }
            a.set(i, sum);
        }
    }

    static void single(FloatArray a) {
        a.set(0, 1);
    }

    static void context(KernelContext kc, FloatArray a) {
        a.set(kc.globalIdx, 1);
    }

    /** 4 compute units, work-groups of up to 1024: the default global size of an unknown loop is 4 * 256. */
    private static final ComputeDevice GPU = new PropertiesOnlyDevice(TornadoDeviceType.GPU);

    private static Kernel kernel(String name, Object... args) {
        for (Method m : LaunchGeometryTest.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                List<ArgSpec> specs = new ArrayList<>();
                for (Object a : args) {
                    specs.add(ArgSpec.of(a.getClass()));
                }
                return JitCompiler.compile(m, specs, CompileOptions.defaults());
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aLoopKernelWithoutGridCoversItsIterationSpace() {
        FloatArray a = new FloatArray(8);
        Object[] args = {a, 1000};
        LaunchGeometry g = LaunchGeometry.of("g.t", false, null, GPU, kernel("scale", args), args);
        assertArrayEquals(new long[] {1000}, g.global());
        assertNull(g.local());

        Object[] stepped = {a, 10}; // i = 1, 4, 7, 10
        g = LaunchGeometry.of("g.t", false, null, GPU, kernel("scaleStepInclusive", stepped), stepped);
        assertArrayEquals(new long[] {4}, g.global());
    }

    @Test
    void theDefaultGlobalSizeIsCappedAndUnknownBoundsUseTheDevicesSize() {
        FloatArray a = new FloatArray(8);
        Object[] huge = {a, Integer.MAX_VALUE};
        LaunchGeometry g = LaunchGeometry.of("g.t", false, null, GPU, kernel("scale", huge), huge);
        assertArrayEquals(new long[] {LaunchGeometry.MAX_DEFAULT_GLOBAL}, g.global());

        Object[] data = {a};
        g = LaunchGeometry.of("g.t", false, null, GPU, kernel("scaleDataBound", data), data);
        assertArrayEquals(new long[] {4 * 256}, g.global());

        Object[] empty = {a, 0};
        g = LaunchGeometry.of("g.t", false, null, GPU, kernel("scale", empty), empty);
        assertArrayEquals(
                new long[] {1}, g.global(), "an empty range still launches one work-item, which skips the loop");
    }

    @Test
    void aGridOverridesTheIterationSpaceAndMustMatchTheLoopDimensions() {
        FloatArray a = new FloatArray(64);
        Object[] args = {a, 8, 8};
        Kernel k = kernel("grid2d", args);
        WorkerGrid2D grid = new WorkerGrid2D(32, 16);
        grid.setLocalWork(8, 4);
        LaunchGeometry g = LaunchGeometry.of("g.t", false, grid, GPU, k, args);
        assertArrayEquals(new long[] {32, 16}, g.global());
        assertArrayEquals(new long[] {8, 4}, g.local());

        TornadoRuntimeException e = assertThrows(
                TornadoRuntimeException.class,
                () -> LaunchGeometry.of("g.t", false, new WorkerGrid1D(32), GPU, k, args));
        assertTrue(
                e.getMessage().contains("task g.t: its grid has 1 dimensions, its parallel loops 2"), e.getMessage());
    }

    @Test
    void privateArraysCapTheWorkGroupOnCpuDevicesOnly() {
        FloatArray a = new FloatArray(8);
        Object[] args = {a, 4000};
        Kernel k = kernel("privateSegment", args);
        ComputeDevice cpu = new PropertiesOnlyDevice(TornadoDeviceType.CPU);
        LaunchGeometry g = LaunchGeometry.of("g.t", false, null, cpu, k, args);
        long perGroup = LaunchGeometry.CPU_GROUP_PRIVATE_BYTES / 2048;
        assertArrayEquals(new long[] {perGroup}, g.local());
        assertArrayEquals(new long[] {(4000 + perGroup - 1) / perGroup * perGroup}, g.global());

        assertNull(LaunchGeometry.of("g.t", false, null, GPU, k, args).local(), "a GPU driver chooses");
        Object[] plain = {a, 4000};
        assertNull(
                LaunchGeometry.of("g.t", false, null, cpu, kernel("scale", plain), plain)
                        .local(),
                "no private arrays: the driver chooses");
    }

    /**
     * On PoCL, 8192 work-items with 2 KB of private arrays each: left to choose, PoCL took work-groups whose private
     * arrays overflowed its thread's stack (the JVM died in the kernel); every result is checked.
     */
    @Test
    void manyWorkItemsWithPrivateArraysRunOnOpenCL() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        int n = 8192;
        FloatArray a = new FloatArray(n);
        TaskGraph graph = new TaskGraph("privateSegment")
                .task("t", LaunchGeometryTest::privateSegment, a, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, a);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(graph.snapshot()).withDevice(TornadoExecutionPlan.getDevice("opencl:0"))) {
            plan.withoutAccessGuards().execute();
        }
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int k = 0; k < 512; k += 7) {
                sum += i + k;
            }
            assertEquals(sum, a.get(i), "work-item " + i);
        }
    }

    @Test
    void singleThreadKernelsRunOneWorkItemAndJavaRunsWithoutSizes() {
        FloatArray a = new FloatArray(1);
        Object[] args = {a};
        LaunchGeometry g = LaunchGeometry.of("g.t", false, null, GPU, kernel("single", args), args);
        assertArrayEquals(new long[] {1}, g.global());
        assertNull(g.local());

        Object[] loop = {a, 100};
        g = LaunchGeometry.of("g.t", false, null, Devices.jvm(), kernel("scale", loop), loop);
        assertNull(g.global());
        assertNull(g.local());
    }

    @Test
    void kernelContextTasksNeedAGridWhoseGlobalSizeTheGroupsDivide() {
        FloatArray a = new FloatArray(64);
        Object[] args = {new KernelContext(), a};
        Kernel k = kernel("context", args);
        TornadoRuntimeException missing =
                assertThrows(TornadoRuntimeException.class, () -> LaunchGeometry.of("g.t", true, null, GPU, k, args));
        assertTrue(
                missing.getMessage().contains("withGridScheduler(new GridScheduler(\"g.t\", new WorkerGrid1D(n)))"),
                missing.getMessage());

        WorkerGrid1D grid = new WorkerGrid1D(64);
        grid.setLocalWork(16);
        LaunchGeometry g = LaunchGeometry.of("g.t", true, grid, GPU, k, args);
        assertArrayEquals(new long[] {64}, g.global());
        assertArrayEquals(new long[] {16}, g.local());

        WorkerGrid1D uneven = new WorkerGrid1D(60);
        uneven.setLocalWork(16);
        TornadoRuntimeException e =
                assertThrows(TornadoRuntimeException.class, () -> LaunchGeometry.of("g.t", true, uneven, GPU, k, args));
        assertTrue(
                e.getMessage()
                        .contains("global work size [60] is not a multiple of the work-group size [16] in dimension 0"),
                e.getMessage());

        g = LaunchGeometry.of("g.t", true, grid, Devices.jvm(), k, args);
        assertArrayEquals(new long[] {64}, g.global(), "the JVM runs KernelContext tasks over their grid");
    }

    @Test
    void workItemIdsBeyondJavaIntsAreRefused() {
        assertDoesNotThrow(() -> new LaunchGeometry(new long[] {Integer.MAX_VALUE, 1}, null).checkIdRange("g.t"));
        assertDoesNotThrow(() -> new LaunchGeometry(null, null).checkIdRange("g.t"));
        TornadoRuntimeException e = assertThrows(
                TornadoRuntimeException.class,
                () -> new LaunchGeometry(new long[] {1, 1L << 31}, null).checkIdRange("g.t"));
        assertTrue(
                e.getMessage().contains("task g.t: global work size [1, 2147483648] is beyond the limit")
                        && e.getMessage().contains("in dimension 1"),
                e.getMessage());
    }
}
