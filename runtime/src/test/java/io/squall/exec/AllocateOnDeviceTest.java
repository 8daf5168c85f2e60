package io.squall.exec;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code TaskGraph.allocateOnDevice}: a scratch array written before it is read gets a device buffer without the host's
 * contents copied in (the profile counts only the input's bytes), the results are right, a transfer to the host
 * brings the device's contents back, and it cannot be combined with transferToDevice.
 */
class AllocateOnDeviceTest {
    static final int N = 1000;

    /** Runs twice(a) -> scratch, scratch + 1 -> c on {@code device}; returns the first execution's bytes copied in. */
    private static long runOn(String device, boolean allocate) throws Exception {
        FloatArray a = TestKernels.filled(N, 3);
        FloatArray scratch = TestKernels.filled(N, 99); // host contents that must not matter
        FloatArray c = new FloatArray(N);
        TaskGraph g = new TaskGraph("scratch").transferToDevice(DataTransferMode.FIRST_EXECUTION, a);
        if (allocate) {
            g.allocateOnDevice(scratch);
        }
        g.task("twice", TestKernels::twice, a, scratch)
                .task("plusOne", TestKernels::plusOne, scratch, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c, scratch);
        long copiedIn;
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device))) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            copiedIn = p.getTotalBytesCopyIn();
            assertEquals(0, plan.execute().getProfilerResult().getTotalBytesCopyIn(), device + ": second execution");
        }
        for (int i = 0; i < N; i++) {
            assertEquals(2 * a.get(i) + 1, c.get(i), device + " element " + i);
            assertEquals(2 * a.get(i), scratch.get(i), device + ": the scratch array comes back from the device");
        }
        return copiedIn;
    }

    @Test
    void scratchOnOpenCLIsNotCopiedIn() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        long copied = runOn("opencl:0", false);
        long allocated = runOn("opencl:0", true);
        assertEquals(4L * N, copied - allocated, "the scratch array's bytes are not copied in");
    }

    @Test
    void scratchOnTheJvmUsesTheHostArray() throws Exception {
        runOn("jvm", true);
    }

    @Test
    void notTogetherWithTransferToDevice() {
        FloatArray a = new FloatArray(4);
        IllegalArgumentException e1 = assertThrows(
                IllegalArgumentException.class,
                () -> new TaskGraph("both1")
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                        .allocateOnDevice(a));
        assertTrue(e1.getMessage().contains("both1"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(
                IllegalArgumentException.class,
                () -> new TaskGraph("both2").allocateOnDevice(a).transferToDevice(DataTransferMode.EVERY_EXECUTION, a));
        assertTrue(e2.getMessage().contains("allocateOnDevice"), e2.getMessage());
    }
}
