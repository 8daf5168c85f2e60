package io.squall.backend.ptx.driver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA driver on a real GPU (skipped without one): handwritten PTX, pinned and pageable transfers,
 * dynamic shared memory, graph capture and replay, event timing, JIT error log. Results against Java references.
 */
class CudaDriverTest {
    static CudaDevice device;
    static CudaContext context;
    static CudaModule module;

    @BeforeAll
    static void setUp() {
        if (!Cuda.isAvailable()) return; // each test reports the skip (a class-level skip would not be counted)
        device = Cuda.devices().getFirst();
        context = CudaContext.primary(device);
        module = CudaModule.loadPtx(context, TestPtx.KERNELS);
    }

    @BeforeEach
    void requireCuda() {
        assumeTrue(Cuda.isAvailable(), "CUDA unavailable: " + Cuda.unavailableReason());
    }

    @AfterAll
    static void tearDown() {
        if (module != null) module.close();
        if (context != null) context.close();
    }

    @Test
    void devicesReportTheirProperties() {
        for (CudaDevice d : Cuda.devices()) {
            System.out.println("CUDA device " + d.ordinal() + ": " + d + ", driver " + Cuda.driverVersion());
            assertFalse(d.name().isEmpty());
            assertTrue(d.computeCapabilityMajor() >= 5, d.smArch());
            assertEquals("sm_" + d.computeCapabilityMajor() + d.computeCapabilityMinor(), d.smArch());
            assertTrue(d.totalMem() > 0 && d.multiprocessors() > 0 && d.maxThreadsPerBlock() >= 512);
            assertEquals(32, d.warpSize());
            assertTrue(d.sharedMemPerBlockOptin() >= d.sharedMemPerBlock() && d.sharedMemPerBlock() >= 48 * 1024);
        }
        long free = context.freeMemory();
        assertTrue(free > 0 && free <= device.totalMem());
    }

    @Test
    void vectorAddWithPinnedPageableAndHeapMemory() {
        int n = 100_003; // not a multiple of the block size: the kernel's bound check matters
        float[] a = new float[n], b = new float[n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat();
            b[i] = random.nextFloat() * 10;
        }
        CudaFunction vadd = module.function("vadd");
        try (CudaStream stream = context.createStream();
                CudaBuffer da = context.allocate(4L * n);
                CudaBuffer db = context.allocate(4L * n);
                CudaBuffer dc = context.allocate(4L * n);
                CudaHostBuffer pinnedA = context.allocateHost(4L * n);
                CudaHostBuffer pinnedC = context.allocateHost(4L * n)) {
            MemorySegment.copy(a, 0, pinnedA.segment(), JAVA_FLOAT, 0, n);
            stream.copyToDevice(da, 0, pinnedA.segment(), 4L * n); // pinned
            stream.copyToDevice(db, 0, Arena.ofAuto().allocateFrom(JAVA_FLOAT, b), 4L * n); // pageable native
            int block = 256;
            stream.launch(vadd, new int[] {(n + block - 1) / block}, new int[] {block}, 0, da, db, dc, n);
            stream.copyToHost(pinnedC.segment(), dc, 0, 4L * n);
            float[] heap = new float[n];
            stream.copyToHost(MemorySegment.ofArray(heap), dc, 0, 4L * n); // heap, finished by synchronize
            stream.synchronize();
            float[] pinned = pinnedC.segment().toArray(JAVA_FLOAT);
            for (int i = 0; i < n; i++) assertEquals(a[i] + b[i], pinned[i], 0f, "element " + i);
            assertArrayEquals(pinned, heap);
            // Device-to-device copy and fill.
            stream.copy(da, 0, dc, 0, 4L * n);
            stream.fill(dc, 0, 4L * n, (byte) 0);
            stream.copyToHost(pinnedC.segment(), da, 0, 4L * n);
            stream.synchronize();
            assertArrayEquals(pinned, pinnedC.segment().toArray(JAVA_FLOAT));
            stream.copyToHost(pinnedC.segment(), dc, 0, 4L * n);
            stream.synchronize();
            assertArrayEquals(new float[n], pinnedC.segment().toArray(JAVA_FLOAT));
        }
        assertTrue(vadd.registers() > 0 && vadd.maxThreadsPerBlock() > 0);
    }

    @Test
    void sharedMemoryReduction() {
        int block = 256, blocks = 64, n = block * blocks;
        int[] input = new Random(2).ints(n, -1000, 1000).toArray();
        int[] expected = new int[blocks];
        for (int i = 0; i < n; i++) expected[i / block] += input[i];
        CudaFunction groupSum = module.function("groupSum");
        try (Arena arena = Arena.ofConfined();
                CudaStream stream = context.createStream();
                CudaBuffer in = context.allocate(4L * n);
                CudaBuffer partial = context.allocate(4L * blocks)) {
            MemorySegment host = arena.allocateFrom(JAVA_INT, input);
            MemorySegment out = arena.allocate(JAVA_INT, blocks);
            stream.copyToDevice(in, 0, host, 4L * n);
            stream.launch(groupSum, new int[] {blocks}, new int[] {block}, 4 * block, in, partial);
            stream.copyToHost(out, partial, 0, 4L * blocks);
            stream.synchronize();
            assertArrayEquals(expected, out.toArray(JAVA_INT));
            // More than the 48 KiB default: the launch opts the function in first.
            if (device.sharedMemPerBlockOptin() >= 64 * 1024) {
                stream.fill(partial, 0, 4L * blocks, (byte) 0);
                stream.launch(groupSum, new int[] {blocks}, new int[] {block}, 64 * 1024, in, partial);
                stream.copyToHost(out, partial, 0, 4L * blocks);
                stream.synchronize();
                assertArrayEquals(expected, out.toArray(JAVA_INT));
            }
        }
    }

    @Test
    void graphCaptureAndReplayOfAWholeExecution() {
        int n = 4096, block = 128;
        CudaFunction vadd = module.function("vadd");
        try (CudaStream stream = context.createStream();
                CudaBuffer da = context.allocate(4L * n);
                CudaBuffer db = context.allocate(4L * n);
                CudaBuffer dc = context.allocate(4L * n);
                CudaHostBuffer hostA = context.allocateHost(4L * n);
                CudaHostBuffer hostB = context.allocateHost(4L * n);
                CudaHostBuffer hostC = context.allocateHost(4L * n)) {
            for (int i = 0; i < n; i++) hostB.segment().setAtIndex(JAVA_FLOAT, i, 0.5f * i);
            stream.copyToDevice(db, 0, hostB.segment(), 4L * n); // a FIRST_EXECUTION-style input, outside the graph
            stream.synchronize();
            stream.beginCapture();
            assertTrue(stream.isCapturing());
            stream.copyToDevice(da, 0, hostA.segment(), 4L * n);
            stream.launch(vadd, new int[] {n / block}, new int[] {block}, 0, da, db, dc, n);
            stream.launch(vadd, new int[] {n / block}, new int[] {block}, 0, dc, db, dc, n); // c = a + 2b
            stream.copyToHost(hostC.segment(), dc, 0, 4L * n);
            try (CudaGraph graph = stream.endCapture()) {
                for (int replay = 0; replay < 3; replay++) {
                    for (int i = 0; i < n; i++) hostA.segment().setAtIndex(JAVA_FLOAT, i, replay * 1000 + i);
                    graph.launch(stream);
                    stream.synchronize();
                    for (int i = 0; i < n; i++) {
                        assertEquals(
                                replay * 1000 + i + 2 * (0.5f * i),
                                hostC.segment().getAtIndex(JAVA_FLOAT, i),
                                0f,
                                "replay " + replay + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void eventsTimeLaunchesAndGraphReplays() {
        int n = 1 << 20, block = 256, launches = 100;
        CudaFunction vadd = module.function("vadd");
        try (CudaStream stream = context.createStream();
                CudaBuffer da = context.allocate(4L * n);
                CudaBuffer dc = context.allocate(4L * n);
                CudaEvent start = context.createEvent();
                CudaEvent end = context.createEvent()) {
            stream.fill(da, 0, 4L * n, (byte) 0);
            start.record(stream);
            for (int i = 0; i < launches; i++)
                stream.launch(vadd, new int[] {n / block}, new int[] {block}, 0, da, da, dc, n);
            end.record(stream);
            float streamMs = start.elapsedMillis(end);
            assertTrue(streamMs > 0 && Float.isFinite(streamMs), "elapsed " + streamMs);

            stream.beginCapture();
            for (int i = 0; i < launches; i++)
                stream.launch(vadd, new int[] {n / block}, new int[] {block}, 0, da, da, dc, n);
            try (CudaGraph graph = stream.endCapture()) {
                graph.launch(stream); // warm-up: the first replay uploads the graph
                start.record(stream);
                graph.launch(stream);
                end.record(stream);
                float graphMs = start.elapsedMillis(end);
                assertTrue(graphMs > 0 && Float.isFinite(graphMs), "elapsed " + graphMs);
                System.out.printf(
                        "%d launches of vadd(%d floats) on %s: stream %.3f ms, one graph replay %.3f ms%n",
                        launches, n, device.name(), streamMs, graphMs);
            }
        }
    }

    @Test
    void ptxErrorsCarryTheJitLogWithTheLine() {
        CudaJitException e = assertThrows(CudaJitException.class, () -> CudaModule.loadPtx(context, TestPtx.BROKEN));
        assertEquals("CUDA_ERROR_INVALID_PTX", e.errorName());
        assertTrue(e.jitLog().contains("line 9"), e.jitLog());
        assertTrue(
                e.getMessage().contains("cuModuleLoadDataEx") && e.getMessage().contains(e.jitLog()), e.getMessage());
        assertTrue(module.jitLog() != null);
    }

    @Test
    void errorsNameTheCallAndTheKernel() {
        CudaException missing = assertThrows(CudaException.class, () -> module.function("noSuchKernel"));
        assertEquals("CUDA_ERROR_NOT_FOUND", missing.errorName());
        assertTrue(missing.getMessage().contains("noSuchKernel"), missing.getMessage());
        CudaFunction vadd = module.function("vadd");
        try (CudaStream stream = context.createStream();
                CudaBuffer buffer = context.allocate(1024)) {
            CudaException tooBig = assertThrows(
                    CudaException.class,
                    () -> stream.launch(
                            vadd,
                            new int[] {1},
                            new int[] {device.maxThreadsPerBlock() * 2},
                            0,
                            buffer,
                            buffer,
                            buffer,
                            1));
            assertEquals("CUDA_ERROR_INVALID_VALUE", tooBig.errorName());
            assertTrue(
                    tooBig.getMessage().contains("vadd") && tooBig.getMessage().contains("cuLaunchKernel"),
                    tooBig.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> stream.launch(vadd, new int[] {1}, new int[] {1}, 0, buffer, "x"));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> stream.copyToDevice(buffer, 512, Arena.ofAuto().allocate(1024), 1024));
        }
        CudaException oom = assertThrows(CudaException.class, () -> context.allocate(device.totalMem() * 4));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", oom.errorName());
    }
}
