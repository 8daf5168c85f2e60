package io.squall.exec;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.annotations.Parallel;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.OpenCLDevice;
import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Read-only memory-mapped arrays on a CPU OpenCL device are read in place ({@code CL_MEM_USE_HOST_PTR}): the kernels see
 * the file's bytes, nothing is copied in, and a task that would write such an array is refused before it runs.
 */
class HostInPlaceBuffersTest {
    static final int ROWS = 64;
    static final int COLS = 1000;

    @TempDir
    Path dir;

    Arena arena;
    TornadoDevice device;

    @BeforeEach
    void device() {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        device = TornadoExecutionPlan.getDevice("opencl:0");
        assumeTrue(device.getDeviceType() == TornadoDeviceType.CPU, "opencl:0 is not a CPU device");
        arena = Arena.ofShared();
    }

    @AfterEach
    void close() {
        System.clearProperty(OpenCLDevice.HOST_BUFFERS);
        if (arena != null) {
            arena.close();
        }
    }

    public static void rowSums(ByteArray w, FloatArray out, int cols) {
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            float s = 0f;
            for (int c = 0; c < cols; c++) {
                s += w.get(r * cols + c);
            }
            out.set(r, s);
        }
    }

    public static void overwrite(ByteArray w, FloatArray out) {
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            w.set(r, (byte) 1);
        }
    }

    /** A file of ROWS x COLS signed bytes, mapped read-only at an odd offset (as a tensor inside a GGUF file). */
    ByteArray mappedBytes() throws Exception {
        byte[] bytes = new byte[7 + ROWS * COLS];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 37 + (i >> 5));
        }
        Path file = dir.resolve("weights.bin");
        Files.write(file, bytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            assertTrue(all.isReadOnly());
            return ByteArray.view(all.asSlice(7));
        }
    }

    static float[] expectedRowSums(ByteArray w) {
        float[] sums = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                sums[r] += w.get(r * COLS + c);
            }
        }
        return sums;
    }

    TornadoProfilerResult runRowSums(ByteArray w, FloatArray out) throws Exception {
        TaskGraph g = new TaskGraph("inPlace")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .task("sums", HostInPlaceBuffersTest::rowSums, w, out, COLS)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device)) {
            return plan.execute().getProfilerResult();
        }
    }

    @Test
    void readOnlyMappedArrayIsReadInPlace() throws Exception {
        ByteArray w = mappedBytes();
        FloatArray out = new FloatArray(ROWS);
        TornadoProfilerResult p = runRowSums(w, out);
        float[] expected = expectedRowSums(w);
        for (int r = 0; r < ROWS; r++) {
            assertEquals(expected[r], out.get(r), "row " + r);
        }
        assertTrue(
                p.getTotalBytesCopyIn() < w.getNumBytesOfSegment(),
                "the mapped bytes are not copied: " + p.getTotalBytesCopyIn() + " bytes copied in");
    }

    @Test
    void withTheOptionOffTheArrayIsCopiedAndGivesTheSameResult() throws Exception {
        System.setProperty(OpenCLDevice.HOST_BUFFERS, "false");
        ByteArray w = mappedBytes();
        FloatArray out = new FloatArray(ROWS);
        TornadoProfilerResult p = runRowSums(w, out);
        float[] expected = expectedRowSums(w);
        for (int r = 0; r < ROWS; r++) {
            assertEquals(expected[r], out.get(r), "row " + r);
        }
        assertTrue(p.getTotalBytesCopyIn() >= w.getNumBytesOfSegment(), p.getTotalBytesCopyIn() + " bytes copied in");
    }

    @Test
    void aTaskWritingTheReadOnlyArrayIsRefused() throws Exception {
        ByteArray w = mappedBytes();
        FloatArray out = new FloatArray(ROWS);
        TaskGraph g = new TaskGraph("inPlaceWrite")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .task("sums", HostInPlaceBuffersTest::rowSums, w, out, COLS)
                .task("overwrite", HostInPlaceBuffersTest::overwrite, w, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device)) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("inPlaceWrite.overwrite")
                            && e.getMessage().contains("read-only"),
                    e.getMessage());
        }
        assertEquals(expectedRowSums(w)[0], (float) sumRow0(w));
    }

    @Test
    void aPlanReadingAnUnmappedFileIsRefusedNotCrashed() throws Exception {
        Arena fileArena = Arena.ofShared();
        Arena kept = arena;
        arena = fileArena;
        ByteArray w = mappedBytes();
        arena = kept;
        FloatArray out = new FloatArray(ROWS);
        float[] expected = expectedRowSums(w);
        TaskGraph g = new TaskGraph("inPlaceClosed")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .task("sums", HostInPlaceBuffersTest::rowSums, w, out, COLS)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device)) {
            plan.execute();
            assertEquals(expected[ROWS - 1], out.get(ROWS - 1));
            fileArena.close(); // the model file closed while the plan still holds its buffers
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("inPlaceClosed.sums")
                            && e.getMessage().contains("freed"),
                    e.getMessage());
        }
    }

    static int sumRow0(ByteArray w) {
        int s = 0;
        for (int c = 0; c < COLS; c++) {
            s += w.get(c);
        }
        return s;
    }
}
