package io.squall.exec;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.Backend;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.device.Devices;
import io.squall.device.SquallDevice;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A device that compiles but refuses every launch: the task fails with a clear error, or runs on the JVM with fallback. */
class LaunchFallbackTest {
    /** opencl:0 in every respect except that launches fail, as with CL_OUT_OF_RESOURCES. */
    record Refusing(ComputeDevice real) implements ComputeDevice {
        @Override
        public String id() {
            return "refusing:0";
        }

        @Override
        public DeviceProperties properties() {
            return real.properties();
        }

        @Override
        public boolean usesHostMemory() {
            return false;
        }

        @Override
        public DeviceCapabilities capabilities() {
            return real.capabilities();
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            return real.allocate(bytes);
        }

        @Override
        public void write(DeviceBuffer d, long o, MemorySegment s, long b, boolean blocking) {
            real.write(d, o, s, b, blocking);
        }

        @Override
        public void read(DeviceBuffer s, long o, MemorySegment d, long b) {
            real.read(s, o, d, b);
        }

        @Override
        public CompiledTask build(Kernel kernel, CompileOptions options) {
            return real.build(kernel, options);
        }

        @Override
        public void launch(LaunchRequest request) {
            throw new IllegalStateException("clEnqueueNDRangeKernel: CL_OUT_OF_RESOURCES");
        }

        @Override
        public DeviceTimings finish() {
            return real.finish();
        }

        @Override
        public void close() {}
    }

    @Test
    void refusedLaunchIsAnErrorOrAReportedFallback() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        Refusing device = new Refusing(Devices.get("opencl:0"));
        Backend backend = new Backend() {
            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public List<? extends ComputeDevice> devices() {
                return List.of(device);
            }

            @Override
            public String unavailableReason() {
                return null;
            }
        };
        Devices.register(backend);
        try {
            refusedLaunch(device);
        } finally {
            Devices.unregister(backend);
        }
    }

    private static void refusedLaunch(Refusing device) throws Exception {
        FloatArray a = TestKernels.filled(16, 1), b = new FloatArray(16);
        TaskGraph g = new TaskGraph("refuse")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a)
                .task("t", TestKernels::twice, a, b)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, b);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(SquallDevice.of(device))) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(
                    e.getMessage().contains("refuse.t")
                            && e.getMessage().contains("CL_OUT_OF_RESOURCES")
                            && e.getMessage().contains(RuntimeOptions.FALLBACK),
                    e.getMessage());
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty(RuntimeOptions.FALLBACK, "jvm");
        System.setErr(new PrintStream(captured, true));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(SquallDevice.of(device))) {
            TornadoProfilerResult p = plan.execute().getProfilerResult();
            assertTrue(p.getTaskProfiles().getFirst().fellBackToJvm);
            a.init(5);
            plan.execute();
        } finally {
            System.setErr(err);
            System.clearProperty(RuntimeOptions.FALLBACK);
        }
        assertEquals(10f, b.get(3));
        assertTrue(
                captured.toString().contains("refuse.t") && captured.toString().contains("JVM"), captured.toString());
    }
}
