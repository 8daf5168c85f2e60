package io.squall.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.exec.TestKernels;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plans on the JVM backend: no transfers, KernelContext grids, device properties, the JSON profile. */
class ExecutionPlanJvmTest {
    static final int N = 32;

    static ImmutableTaskGraph addGraph(String name, FloatArray a, FloatArray b, FloatArray c) {
        return new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
    }

    @Test
    void runsOnTheJvmWithoutTransfers() throws Exception {
        FloatArray a = new FloatArray(N), b = new FloatArray(N), c = new FloatArray(N);
        for (int i = 0; i < N; i++) {
            a.set(i, i);
            b.set(i, 2 * i);
        }
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(addGraph("j0", a, b, c)).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            for (int i = 0; i < N; i++) {
                assertEquals(3f * i, c.get(i));
            }
            assertEquals(0, p.getCopyInCount() + p.getCopyOutCount());
            assertEquals(0, plan.getCurrentDeviceMemoryUsage());
            assertEquals("jvm", p.getTaskProfiles().getFirst().device);
            assertTrue(p.getDeviceKernelTime() > 0);
        }
    }

    @Test
    void kernelContextTaskWithoutGridNamesTheTask() throws Exception {
        FloatArray out = new FloatArray(N);
        ImmutableTaskGraph g = new TaskGraph("kc")
                .task("ids", TestKernels::indexWithContext, new KernelContext(), out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .snapshot();
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(e.getMessage().contains("kc.ids") && e.getMessage().contains("GridScheduler"), e.getMessage());
            WorkerGrid1D grid = new WorkerGrid1D(N);
            grid.setLocalWork(8);
            plan.withGridScheduler(new GridScheduler("kc.ids", grid)).execute();
            assertEquals(17f, out.get(17));
        }
    }

    @Test
    void unknownDeviceInTaskPropertyIsAnError() throws Exception {
        FloatArray a = new FloatArray(N), b = new FloatArray(N), c = new FloatArray(N);
        System.setProperty("j1.t0.device", "opencl:123");
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(addGraph("j1", a, b, c))) {
            TornadoDeviceException e = assertThrows(TornadoDeviceException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("opencl:123") && e.getMessage().contains("-Dj1.t0.device"), e.getMessage());
            System.setProperty("j1.t0.device", "jvm");
            assertEquals(
                    "jvm", plan.execute().getProfilerResult().getTaskProfiles().getFirst().device);
        } finally {
            System.clearProperty("j1.t0.device");
        }
        assertThrows(TornadoDeviceException.class, () -> TornadoExecutionPlan.getDevice(0, 99));
    }

    @Test
    void jsonProfileIsAppendedPerExecution(@TempDir Path dir) throws Exception {
        FloatArray a = new FloatArray(N), b = new FloatArray(N), c = new FloatArray(N);
        Path file = dir.resolve("profile.json");
        System.setProperty(RuntimeOptions.PROFILER, "json:" + file);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(addGraph("j2", a, b, c)).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            plan.execute();
            plan.execute();
        } finally {
            System.clearProperty(RuntimeOptions.PROFILER);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode json = new ObjectMapper().readTree(lines.get(1));
        assertEquals("j2", json.get("graphs").get(0).asText());
        assertEquals("j2.t0", json.get("tasks").get(0).get("task").asText());
        assertEquals("jvm", json.get("tasks").get(0).get("device").asText());
        assertEquals(0, json.get("transfers").get("hostToDevice").get("count").asLong());
        assertTrue(json.get("totalTimeNs").asLong() > 0);
        assertTrue(json.has("compile") && json.get("compile").has("count"));
    }

    @Test
    void badPropertiesAreClearErrors() {
        FloatArray a = new FloatArray(N), b = new FloatArray(N), c = new FloatArray(N);
        System.setProperty(RuntimeOptions.EMIT, "fortran");
        try {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> new TornadoExecutionPlan(addGraph("j3", a, b, c)));
            assertTrue(e.getMessage().contains("fortran") && e.getMessage().contains("opencl"), e.getMessage());
        } finally {
            System.clearProperty(RuntimeOptions.EMIT);
        }
        System.setProperty(RuntimeOptions.PROFILER, "loud");
        try {
            assertThrows(IllegalArgumentException.class, () -> new TornadoExecutionPlan(addGraph("j4", a, b, c)));
        } finally {
            System.clearProperty(RuntimeOptions.PROFILER);
        }
    }

    @Test
    void consoleProfilerPrints() throws Exception {
        FloatArray a = new FloatArray(N), b = new FloatArray(N), c = new FloatArray(N);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(addGraph("j5", a, b, c))
                .withDevice(TornadoExecutionPlan.getDevice("jvm"))
                .withProfiler(ProfilerMode.CONSOLE)
                .withWarmUpIterations(2)) {
            String text = plan.execute().getProfilerResult().toString();
            assertTrue(text.contains("j5.t0") && text.contains("host->device"), text);
        }
    }
}
