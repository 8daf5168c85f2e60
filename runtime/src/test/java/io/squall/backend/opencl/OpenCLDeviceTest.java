package io.squall.backend.opencl;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.CompiledTask;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.device.Devices;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenCL device adapter on its own: binding by the kernel ABI, transfers, event timings, build errors. */
class OpenCLDeviceTest {
    OpenCLDevice device;

    @BeforeEach
    void device() {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        device = (OpenCLDevice) Devices.get("opencl:0");
    }

    static final String SAXPY = """
            __kernel void saxpy(__global float *x, int xLength, __global float *y, int yLength, float alpha) {
                for (int i = get_global_id(0); i < yLength; i += get_global_size(0)) {
                    y[i] = alpha * x[i] + y[i];
                }
            }
            """;

    @Test
    void bindsArgumentsByTheKernelAbiAndTimesEvents() throws Exception {
        PointerType fp = new PointerType(ScalarType.F32, AddressSpace.GLOBAL);
        Kernel kernel = new Kernel(
                "OpenCLDeviceTest.saxpy",
                "saxpy",
                Kernel.Shape.PARALLEL_LOOPS,
                List.of(),
                List.of(
                        new KernelParam(KernelParam.Kind.BUFFER, 0, fp),
                        new KernelParam(KernelParam.Kind.LENGTH, 0, ScalarType.I32),
                        new KernelParam(KernelParam.Kind.BUFFER, 1, fp),
                        new KernelParam(KernelParam.Kind.LENGTH, 1, ScalarType.I32),
                        new KernelParam(KernelParam.Kind.SCALAR, 2, ScalarType.F32)),
                List.of(Kernel.Access.READ, Kernel.Access.READ_WRITE, Kernel.Access.NONE),
                null,
                null,
                CompileOptions.defaults());
        CompiledTask task = device.buildSource("saxpy", kernel.javaName(), SAXPY, "");
        int n = 1000;
        FloatArray x = new FloatArray(n), y = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            x.set(i, i);
            y.set(i, 1);
        }
        try (DeviceBuffer bx = device.allocate(x.getNumBytesOfSegment());
                DeviceBuffer by = device.allocate(y.getNumBytesOfSegment())) {
            device.write(bx, 0, x.getSegment(), bx.size(), false);
            device.write(by, 0, y.getSegment(), by.size(), false);
            Object[] args = {x, y, 3f};
            device.launch(new LaunchRequest(
                    "t.saxpy", null, kernel, task, args, new DeviceBuffer[] {bx, by, null}, new long[] {256}, null));
            device.read(by, 0, y.getSegment(), by.size());
            DeviceTimings timings = device.finish();
            for (int i = 0; i < n; i++) {
                assertEquals(3f * i + 1, y.get(i), "element " + i);
            }
            assertTrue(timings.kernelNanosByTask().get("t.saxpy") > 0);
            assertTrue(timings.writeNanos() > 0 && timings.readNanos() > 0);
            assertEquals(
                    DeviceTimings.NONE.kernelNanosByTask(),
                    device.finish().kernelNanosByTask(),
                    "timings are handed out once");
        }
    }

    @Test
    void buildFailureShowsTheBuildLogAndKernelName() {
        String broken = "__kernel void broken(__global float *a) { a[0] = undefined_thing + 1; }";
        TornadoRuntimeException e = assertThrows(
                TornadoRuntimeException.class, () -> device.buildSource("broken", "Kernels.broken", broken, ""));
        assertTrue(
                e.getMessage().contains("broken")
                        && e.getMessage().contains("Kernels.broken")
                        && e.getMessage().contains("opencl:0"),
                e.getMessage());
        assertTrue(e.getMessage().contains("undefined_thing"), "the build log names the problem: " + e.getMessage());
    }

    @Test
    void oversizedAllocationIsAMemoryError() {
        long tooMuch = device.properties().maxAllocation() + 1;
        var e = assertThrows(
                io.squall.api.exceptions.TornadoOutOfMemoryException.class, () -> device.allocate(tooMuch));
        assertTrue(e.getMessage().contains("opencl:0"), e.getMessage());
    }
}
