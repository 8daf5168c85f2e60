package io.squall.backend.jvm.driver;

import io.squall.api.WorkerGrid;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteAssertions;
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
        JvmKernelRunner.run(
                task.method(),
                actual,
                grid == null ? null : grid.getGlobalWork(),
                grid == null ? null : grid.getLocalWork(),
                3);
        assertNull(
                SuiteAssertions.mismatch(c, expected, actual),
                () -> c.name() + " (" + JvmKernelRunner.strategy(task.method()) + ")");
    }
}
