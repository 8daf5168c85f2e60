package io.squall.backend.ptx;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.Backend;
import io.squall.backend.CodeEmitters;
import io.squall.backend.ptx.codegen.Ptxas;
import io.squall.backend.ptx.driver.Cuda;
import io.squall.device.Devices;
import io.squall.exec.TestKernels;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PTX backend's registration, its behaviour without a CUDA driver, launch geometry and offline emission. */
class PtxBackendTest {

    @Test
    void registeredAsBackendAndEmitter() {
        Backend ptx = Devices.backend("ptx");
        assertNotNull(ptx, "the ptx backend is found through ServiceLoader");
        assertInstanceOf(PtxBackend.class, ptx);
        assertInstanceOf(PtxCodeEmitter.class, CodeEmitters.get("ptx"));
        assertEquals("ptx", CodeEmitters.get("ptx").fileExtension());
    }

    @Test
    void withoutADriverThereAreNoDevicesAndAClearReason() {
        Assumptions.assumeFalse(
                Cuda.isAvailable(), "a CUDA driver is present: the no-driver behaviour is not observable here");
        Backend ptx = Devices.backend("ptx");
        assertTrue(ptx.devices().isEmpty());
        assertTrue(ptx.unavailableReason().contains("CUDA"), ptx.unavailableReason());
        TornadoDeviceException e =
                assertThrows(TornadoDeviceException.class, () -> Devices.get("ptx:0", "-Dsquall.device"));
        assertTrue(
                e.getMessage().contains("ptx:0") && e.getMessage().contains(ptx.unavailableReason()), e.getMessage());
        assertFalse(Devices.backend("jvm").devices().isEmpty(), "other backends are unaffected");
    }

    @Test
    void blocksAndGrids() {
        int[][] g = PtxDevice.geometry(new long[] {1000}, null, null);
        assertArrayEquals(new int[] {4}, g[0]);
        assertArrayEquals(new int[] {256}, g[1]);
        g = PtxDevice.geometry(new long[] {100}, null, null);
        assertArrayEquals(new int[] {1}, g[0]);
        assertArrayEquals(new int[] {100}, g[1]);
        g = PtxDevice.geometry(new long[] {1024, 1000}, null, null);
        assertArrayEquals(new int[] {64, 63}, g[0]);
        assertArrayEquals(new int[] {16, 16}, g[1]);
        g = PtxDevice.geometry(new long[] {512}, new long[] {128}, null);
        assertArrayEquals(new int[] {4}, g[0]);
        g = PtxDevice.geometry(new long[] {1024}, null, new int[] {128});
        assertArrayEquals(new int[] {8}, g[0]);
        assertArrayEquals(new int[] {128}, g[1]);
    }

    @Test
    void emitsPtxForEveryCompiledTaskWithoutAGpu(@TempDir Path dir) throws Exception {
        int n = 1000;
        FloatArray a = new FloatArray(n), b = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, i);
        }
        TaskGraph g = new TaskGraph("ptxemit")
                .task("twice", TestKernels::twice, a, b)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, b);
        System.setProperty(RuntimeOptions.EMIT, "ptx");
        System.setProperty(RuntimeOptions.EMIT_DIR, dir.toString());
        System.setProperty(RuntimeOptions.EMIT_TARGET, "sm_90");
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            plan.execute();
        } finally {
            System.clearProperty(RuntimeOptions.EMIT);
            System.clearProperty(RuntimeOptions.EMIT_DIR);
            System.clearProperty(RuntimeOptions.EMIT_TARGET);
        }
        assertEquals(2f * 999, b.get(999), "the program itself ran on its device");
        Path file = dir.resolve("ptxemit.twice.ptx");
        String ptx = Files.readString(file);
        assertTrue(
                ptx.contains(".target sm_90") && ptx.contains(".version 7.8") && ptx.contains(".address_size 64"), ptx);
        Assumptions.assumeTrue(Ptxas.available(), "ptxas not found: the emitted file is not assembled");
        assertNull(Ptxas.assemble(ptx, "sm_90"));
    }
}
