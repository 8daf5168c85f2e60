package io.squall.api;

import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.exec.TestKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskGraphTest {
    final FloatArray a = new FloatArray(4), b = new FloatArray(4), c = new FloatArray(4);

    @Test
    void snapshotIsFrozen() {
        TaskGraph g = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        ImmutableTaskGraph snap = g.snapshot();
        g.task("t1", TestKernels::add, a, b, c);
        assertEquals(1, snap.graph().tasks().size());
        assertEquals("s0", snap.getTaskGraphName());
        assertEquals(2, snap.graph().toDevice().size());
    }

    @Test
    void badGraphsAreRejectedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new TaskGraph("a.b"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new TaskGraph("s0").transferToDevice(DataTransferMode.UNDER_DEMAND, a));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TaskGraph("s0").transferToDevice(DataTransferMode.EVERY_EXECUTION, "text"));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TaskGraph("s0").task("t0", TestKernels::add, a, b, c).task("t0", TestKernels::add, a, b, c));
        assertTrue(e.getMessage().contains("already has a task 't0'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new TaskGraph("empty").snapshot());
        assertThrows(
                IllegalArgumentException.class, () -> new TaskGraph("s0").task("t0", TestKernels::add, a, null, c));
    }

    @Test
    void unknownTaskNamesInPlanSettingsAreErrors() throws Exception {
        ImmutableTaskGraph g =
                new TaskGraph("s0").task("t0", TestKernels::add, a, b, c).snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g)) {
            TornadoRuntimeException e = assertThrows(
                    TornadoRuntimeException.class,
                    () -> plan.withGridScheduler(new GridScheduler("s0.t9", new WorkerGrid1D(4))));
            assertTrue(e.getMessage().contains("s0.t9") && e.getMessage().contains("s0.t0"), e.getMessage());
            assertThrows(
                    TornadoRuntimeException.class,
                    () -> plan.withDevice("s1.t0", TornadoExecutionPlan.getDevice("jvm")));
            assertThrows(IllegalArgumentException.class, () -> plan.withCompilerFlags("-O9"));
        }
    }
}
