package io.squall.safety;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.vectors.Float4;
import io.squall.device.Devices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A vector load is checked as one access of all its lanes on CPU devices: in range it reads them, otherwise (any lane
 * outside the array) it gives a zero vector and reads nothing; in checked mode the first one is reported with the kernel
 * and the line. On OpenCL C that is one vload4, on SPIR-V four loads inside the same check.
 */
class VectorLoadChecksTest {
    public static void sumsAt(FloatArray x, IntArray at, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, Float4.sum(Float4.loadFromArray(x, at.get(i)))); // LINE:sumsAt
        }
    }

    static final int[] AT = {0, 6, 7, -1, 1 << 24, 3};

    private static float[] run(String device, boolean checked) throws Exception {
        assumeTrue(
                Devices.all().stream().anyMatch(d -> d.id().equals(device)), device + " is absent: not checked there");
        FloatArray x = new FloatArray(10);
        for (int i = 0; i < 10; i++) {
            x.set(i, i + 1);
        }
        IntArray at = IntArray.fromArray(AT);
        FloatArray out = new FloatArray(AT.length);
        TaskGraph g = new TaskGraph("v")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, at)
                .task("sums", VectorLoadChecksTest::sumsAt, x, at, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device))) {
            if (checked) {
                plan.withBoundsChecks();
            }
            plan.execute();
        }
        return out.toHeapArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"opencl:0", "spirv:0"})
    void anOutOfRangeVectorLoadGivesZeroLanes(String device) throws Exception {
        // x = 1..10: lanes 0..3 sum to 10, 6..9 to 34, 3..6 to 22; 7.., -1 and 2^24 reach outside: 0
        assertArrayEquals(new float[] {10, 34, 0, 0, 0, 22}, run(device, false), device);
    }

    @ParameterizedTest
    @ValueSource(strings = {"opencl:0", "spirv:0"})
    void checkedModeNamesTheKernelAndLine(String device) throws Exception {
        Exception e = assertThrows(Exception.class, () -> run(device, true));
        String message = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
        assertTrue(
                message.contains("VectorLoadChecksTest.sumsAt") && message.contains("VectorLoadChecksTest.java:"),
                message + "\n" + Arrays.toString(e.getStackTrace()));
    }
}
