package io.squall.exec;

import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.WorkerGrid1D;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Plans that compile: kernel cache, fallback, emission, printing, fast math, KernelContext launches, on opencl:0. */
class OpenCLExecutionTest {
    static final int N = 100;
    TornadoDevice opencl;

    @BeforeEach
    void device() {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        opencl = TornadoExecutionPlan.getDevice("opencl:0");
    }

    private static TaskGraph probeGraph(String name, FloatArray a, FloatArray b) {
        return new TaskGraph(name)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("t", TestKernels::cacheProbe, a, b)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, b);
    }

    @Test
    void secondPlanWithTheSameTaskCompilesNothing() throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = new FloatArray(N);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(probeGraph("cache1", a, b).snapshot()).withDevice(opencl)) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(1, p.getCompileCount());
            assertTrue(p.getCompileTime() > 0);
            assertEquals(0, plan.execute().getProfilerResult().getCompileCount(), "second execution of the same plan");
        }
        assertEquals(3 * 7 + 1, b.get(7));
        long builds = KernelCache.deviceBuilds(), jits = KernelCache.jitCompilations();
        FloatArray a2 = TestKernels.filled(N, 10), b2 = new FloatArray(N);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(probeGraph("cache2", a2, b2).snapshot()).withDevice(opencl)) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(0, p.getCompileCount(), "same method, signature, device and options: from the cache");
            assertEquals(0, p.getCompileTime());
        }
        assertEquals(builds, KernelCache.deviceBuilds());
        assertEquals(jits, KernelCache.jitCompilations());
        assertEquals(3 * 17 + 1, b2.get(7));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(
                        probeGraph("cache3", a2, b2).snapshot())
                .withDevice(opencl)
                .withCompilerFlags("-fast-math")) {
            assertEquals(1, plan.execute().getProfilerResult().getCompileCount(), "other options: another kernel");
        }
    }

    @Test
    void uncompilableTaskFailsWithoutFallbackAndRunsOnTheJvmWithIt() throws Exception {
        FloatArray out = new FloatArray(4);
        TaskGraph g = new TaskGraph("fb")
                .task("alloc", TestKernels::allocates, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(opencl)) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("fb.alloc")
                            && e.getMessage().contains("opencl:0")
                            && e.getMessage().contains(RuntimeOptions.FALLBACK),
                    e.getMessage());
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty(RuntimeOptions.FALLBACK, "jvm");
        System.setErr(new PrintStream(captured, true));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(opencl)) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertTrue(p.getTaskProfiles().getFirst().fellBackToJvm);
            assertEquals("jvm", p.getTaskProfiles().getFirst().device);
        } finally {
            System.setErr(err);
            System.clearProperty(RuntimeOptions.FALLBACK);
        }
        assertEquals(2f, out.get(0));
        String said = captured.toString();
        assertTrue(said.contains("fb.alloc") && said.contains("opencl:0") && said.contains("JVM"), said);
    }

    @Test
    void emitsOpenCLForEveryCompiledTaskEvenOnTheJvm(@TempDir Path dir) throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = new FloatArray(N);
        TaskGraph g = new TaskGraph("em")
                .task("probe", TestKernels::emitProbe, a, b)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, b);
        System.setProperty(RuntimeOptions.EMIT, "opencl");
        System.setProperty(RuntimeOptions.EMIT_DIR, dir.resolve("out").toString());
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            plan.execute();
        } finally {
            System.clearProperty(RuntimeOptions.EMIT);
            System.clearProperty(RuntimeOptions.EMIT_DIR);
        }
        assertEquals(41f, b.get(42));
        String code = Files.readString(dir.resolve("out").resolve("em.probe.cl"));
        assertTrue(code.contains("__kernel"), code);
    }

    @Test
    void printKernelShowsTheGeneratedCode() throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 0), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("pk").task("t0", TestKernels::add, a, b, c);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(opencl)
                .withPrintKernel()
                .withThreadInfo()) {
            plan.execute();
        } finally {
            System.setOut(out);
        }
        String said = captured.toString();
        assertTrue(said.contains("pk.t0") && said.contains("__kernel") && said.contains("global [" + N + "]"), said);
    }

    @Test
    void kernelContextTaskRunsWithItsGrid() throws Exception {
        FloatArray out = new FloatArray(N);
        TaskGraph g = new TaskGraph("kco")
                .task("ids", TestKernels::indexWithContext, new KernelContext(), out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        WorkerGrid1D grid = new WorkerGrid1D(128);
        grid.setLocalWork(32);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(opencl)
                .withGridScheduler(new GridScheduler("kco.ids", grid))) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(128, p.getTaskProfiles().getFirst().global[0]);
            assertEquals(32, p.getTaskProfiles().getFirst().local[0]);
        }
        for (int i = 0; i < N; i++) {
            assertEquals(i, out.get(i));
        }
        WorkerGrid1D ragged = new WorkerGrid1D(100);
        ragged.setLocalWork(32);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(opencl)
                .withGridScheduler(new GridScheduler("kco.ids", ragged))) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(e.getMessage().contains("kco.ids") && e.getMessage().contains("multiple"), e.getMessage());
        }
    }

    @Test
    void preCompilationCompilesBeforeTheFirstExecution() throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 1), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("pre")
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(opencl).withPreCompilation()) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(0, p.getCompileCount());
            assertFalse(p.getTaskProfiles().isEmpty());
            assertEquals(2f * 5 + 1, c.get(5));
        }
    }

    @Test
    void preCompilationOfOneGraphCompilesOnlyItsTasksAndKeepsTheSelection() throws Exception {
        // specialized factors no other test uses: kernels of their own in the process-wide cache
        FloatArray a = TestKernels.filled(N, 0), c = TestKernels.filled(N, 0);
        TaskGraph first = new TaskGraph("preOne0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("scale", TestKernels::scaleInPlace, a, 3.25f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, a);
        TaskGraph second = new TaskGraph("preOne1")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, c)
                .task("scale", TestKernels::scaleInPlace, c, 5.75f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        float a5 = a.get(5), c5 = c.get(5);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(first.snapshot(), second.snapshot())
                .withDevice(opencl)
                .withCompilerFlags("-specialize")
                .withGraph(0)
                .withPreCompilation(1)) {
            assertThrows(IllegalArgumentException.class, () -> plan.withPreCompilation(2));
            TornadoProfilerResult p0 = plan.execute().getProfilerResult(); // still graph 0 only
            assertEquals(1, p0.getCompileCount(), "graph 0 was not precompiled");
            assertEquals(3.25f * a5, a.get(5));
            assertEquals(c5, c.get(5), "graph 1 did not run");
            TornadoProfilerResult p1 = plan.withGraph(1).execute().getProfilerResult();
            assertEquals(0, p1.getCompileCount(), "graph 1 was precompiled");
            assertEquals(5.75f * c5, c.get(5));
        }
    }
}
