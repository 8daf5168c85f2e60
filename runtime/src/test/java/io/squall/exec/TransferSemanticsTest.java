package io.squall.exec;

import io.squall.api.DataRange;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoMemoryException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.device.Devices;
import io.squall.device.SquallDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfer modes, validity tracking and device memory, on every OpenCL device and on the simulated device (separate
 * memory, Java kernels, no JIT), so every count is checked against the data: a wrongly skipped copy gives a wrong result.
 */
class TransferSemanticsTest {
    static final int N = 64;
    static final long BYTES = N * 4L;
    static TornadoDevice sim;

    @BeforeAll
    static void installSimulator() {
        sim = SquallDevice.of(SimulatedBackend.install());
    }

    @AfterAll
    static void removeSimulator() {
        Devices.unregister(SimulatedBackend.INSTANCE);
    }

    /** The simulator and every OpenCL device. */
    static Stream<TornadoDevice> devices() {
        SimulatedBackend.install();
        return Devices.all().stream()
                .filter(d -> d.id().startsWith("opencl:") || d.id().equals("sim:0"))
                .map(d -> (TornadoDevice) SquallDevice.of(d));
    }

    static void assertSums(FloatArray a, FloatArray b, FloatArray c) {
        for (int i = 0; i < N; i++) {
            assertEquals(a.get(i) + b.get(i), c.get(i), "element " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void firstExecutionIsCopiedOnceAndEveryExecutionEachTime(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 100), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("fe")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, b)
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(dev)) {
            TornadoProfilerResult p1 = plan.execute().getProfilerResult();
            assertSums(a, b, c);
            assertEquals(3, p1.getCopyInCount(), "a, b and c (undeclared: copied once) go in on the first execution");
            assertEquals(3 * BYTES, p1.getTotalBytesCopyIn());
            assertEquals(1, p1.getCopyOutCount());
            assertEquals(BYTES, p1.getTotalBytesCopyOut());

            b.init(7);
            a.init(1000); // FIRST_EXECUTION: the device keeps the first copy
            TornadoProfilerResult p2 = plan.execute().getProfilerResult();
            assertEquals(1, p2.getCopyInCount(), "only the EVERY_EXECUTION input is copied again");
            assertEquals(1, p2.getCopyOutCount());
            for (int i = 0; i < N; i++) {
                assertEquals(i + 7f, c.get(i), "the device still holds the first a");
            }
            assertEquals(3 * BYTES, plan.getCurrentDeviceMemoryUsage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void underDemandCopiesOnlyWhenAsked(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 5), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("ud")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(dev)) {
            TornadoExecutionResult r = plan.execute();
            assertEquals(0, r.getProfilerResult().getCopyOutCount());
            assertEquals(0f, c.get(3), "not copied back yet");
            r.transferToHost(c);
            assertEquals(1, r.getProfilerResult().getCopyOutCount());
            assertSums(a, b, c);
            r.transferToHost(c);
            assertEquals(1, r.getProfilerResult().getCopyOutCount(), "the host copy is current: nothing to copy");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void dataRangeCopiesPartOfAnArray(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 5), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("dr")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", TestKernels::add, a, b, c)
                .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(dev)) {
            TornadoExecutionResult r = plan.execute();
            r.transferToHost(new DataRange(c).withOffset(8).withSize(4));
            TornadoProfilerResult p = r.getProfilerResult();
            assertEquals(1, p.getCopyOutCount());
            assertEquals(16, p.getTotalBytesCopyOut());
            for (int i = 0; i < N; i++) {
                float expected = i >= 8 && i < 12 ? a.get(i) + b.get(i) : 0f;
                assertEquals(expected, c.get(i), "element " + i);
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> r.transferToHost(new DataRange(c).withOffset(N - 2).withSize(4)));
            r.transferToHost(c); // a partial copy does not make the host current: the whole array still comes
            assertSums(a, b, c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void persistAndConsumeAcrossPlansWithoutHostRoundTrip(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 1), b = new FloatArray(N), c = new FloatArray(N);
        TaskGraph producer = new TaskGraph("producer")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b)
                .persistOnDevice(b);
        TaskGraph consumer = new TaskGraph("consumer")
                .consumeFromDevice("producer", b)
                .task("plus", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan first = new TornadoExecutionPlan(producer.snapshot()).withDevice(dev);
                TornadoExecutionPlan second = new TornadoExecutionPlan(consumer.snapshot()).withDevice(dev)) {
            TornadoProfilerResult p1 = first.execute().getProfilerResult();
            assertEquals(2, p1.getCopyInCount(), "a, and b once (undeclared)");
            assertEquals(0, p1.getCopyOutCount(), "b stays on the device");
            TornadoProfilerResult p2 = second.execute().getProfilerResult();
            assertEquals(1, p2.getCopyInCount(), "only c (undeclared) goes in; b is consumed from the device");
            assertEquals(BYTES, p2.getTotalBytesCopyIn());
            assertEquals(1, p2.getCopyOutCount(), "only c comes back");
            assertEquals(0f, b.get(5), "b never came to the host");
            for (int i = 0; i < N; i++) {
                assertEquals(2 * (1f + i) + 1, c.get(i), "element " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void persistedBufferOutlivesTheProducerWhileAConsumerHoldsIt(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 1), b = new FloatArray(N), c = new FloatArray(N);
        TaskGraph producer = new TaskGraph("producer2")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b)
                .persistOnDevice(b);
        TaskGraph consumer = new TaskGraph("consumer2")
                .consumeFromDevice("producer2", b)
                .task("plus", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        TornadoExecutionPlan first = new TornadoExecutionPlan(producer.snapshot()).withDevice(dev);
        first.execute();
        try (TornadoExecutionPlan second = new TornadoExecutionPlan(consumer.snapshot()).withDevice(dev)) {
            second.execute();
            first.close();
            c.init(0);
            TornadoProfilerResult p = second.execute().getProfilerResult();
            assertEquals(0, p.getCopyInCount(), "b is still on the device: the consumer holds it");
            assertEquals(2 * (1f + 4) + 1, c.get(4));
            assertEquals(2 * BYTES, second.getCurrentDeviceMemoryUsage());
        }
        try (TornadoExecutionPlan late = new TornadoExecutionPlan(consumer.snapshot()).withDevice(dev)) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, late::execute);
            assertTrue(e.getMessage().contains("producer2"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void consumingWhatNoGraphPersistedIsAnError(TornadoDevice dev) throws Exception {
        FloatArray b = new FloatArray(N), c = new FloatArray(N);
        TaskGraph consumer =
                new TaskGraph("orphan").consumeFromDevice("nobody", b).task("plus", TestKernels::plusOne, b, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(consumer.snapshot()).withDevice(dev)) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("graph nobody") && e.getMessage().contains("persistOnDevice"),
                    e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void twoGraphsInOnePlanShareDeviceBuffers(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 1), b = new FloatArray(N), c = new FloatArray(N);
        TaskGraph producer = new TaskGraph("p")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b)
                .persistOnDevice(b);
        TaskGraph consumer = new TaskGraph("q")
                .consumeFromDevice(b)
                .task("plus", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(producer.snapshot(), consumer.snapshot()).withDevice(dev)) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(3, p.getCopyInCount(), "a, b, c once each");
            assertEquals(1, p.getCopyOutCount());
            assertEquals(2 * (1f + 9) + 1, c.get(9));
            TornadoProfilerResult again = plan.execute().getProfilerResult();
            assertEquals(0, again.getCopyInCount());
            assertEquals(1, again.getCopyOutCount());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void dataMovesBetweenDevicesWhenTasksRunOnDifferentOnes(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 1), b = new FloatArray(N), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("mix")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a)
                .task("twice", TestKernels::twice, a, b)
                .task("plus", TestKernels::plusOne, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(dev)
                .withDevice("mix.plus", TornadoExecutionPlan.getDevice("jvm"))) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(1, p.getCopyOutCount(), "b comes to the host for the JVM task; c was written on the host");
            for (int i = 0; i < N; i++) {
                assertEquals(2 * (1f + i) + 1, c.get(i));
            }
            a.init(3);
            plan.execute();
            assertEquals(7f, c.get(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void writtenInPlaceAndReadBackEveryTime(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 1);
        TaskGraph g = new TaskGraph("inplace")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .task("scale", TestKernels::scaleInPlace, a, 2f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, a);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(dev)) {
            plan.execute();
            plan.execute();
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertEquals(0, p.getCopyInCount());
            assertEquals(8f, a.get(0), "three doublings on the device");
            assertEquals(8f * 5, a.get(4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void javaPrimitiveArraysAsArguments(TornadoDevice dev) throws Exception {
        float[] x = {1, 2, 3, 4}, y = {10, 20, 30, 40};
        TaskGraph g = new TaskGraph("heap")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, y)
                .task("saxpy", TestKernels::saxpyHeap, 2f, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(dev)) {
            plan.execute();
            assertArrayEquals(new float[] {12, 24, 36, 48}, y);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void memoryLimitExceededIsAClearError(TornadoDevice dev) throws Exception {
        FloatArray a = TestKernels.filled(N, 0), b = TestKernels.filled(N, 0), c = new FloatArray(N);
        TaskGraph g = new TaskGraph("lim").task("t0", TestKernels::add, a, b, c);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(dev).withMemoryLimit("512B")) {
            TornadoMemoryException e = assertThrows(TornadoMemoryException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("withMemoryLimit(\"512B\")")
                            && e.getMessage().contains("lim.t0"),
                    e.getMessage());
        }
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(dev).withMemoryLimit("1KB")) {
            plan.execute();
            assertEquals(3 * BYTES, plan.getCurrentDeviceMemoryUsage());
            plan.freeDeviceMemory();
            assertEquals(0, plan.getCurrentDeviceMemoryUsage());
        }
        assertThrows(
                IllegalArgumentException.class, () -> new TornadoExecutionPlan(g.snapshot()).withMemoryLimit("lots"));
    }

    @Test
    void memoryLimitParsing() {
        assertEquals(1L << 30, Residency.parseBytes("1GB"));
        assertEquals(512L << 20, Residency.parseBytes("512 MB"));
        assertEquals(64L << 10, Residency.parseBytes("64kb"));
        assertEquals(2L << 30, Residency.parseBytes("2GiB"));
        assertEquals(4096, Residency.parseBytes("4096"));
        assertThrows(IllegalArgumentException.class, () -> Residency.parseBytes("-1GB"));
    }
}
