package io.squall.backend.spirv.codegen;

import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.driver.CLBuffer;
import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLKernel;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.backend.spirv.SpirvDevice;
import io.squall.backend.spirv.SpirvRoute;
import io.squall.device.Devices;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.ir.IrVerifier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-built IR kernels of {@link CoverageKernel}: valid SPIR-V, and on a SPIR-V device the values Java computes. */
class SpirvCoverageTest {
    @Test
    void coverageKernelValidates() {
        assertValid(SpirvEmitter.emit(CoverageKernel.build(), SuiteKernels.FULL));
    }

    @Test
    void subGroupKernelValidatesAndFallsBackToSubGroupsOfOneWithout() {
        SpirvBinary module = SpirvEmitter.emit(CoverageKernel.subGroups(), SuiteKernels.FULL);
        assertEquals("1.3", module.version(), "shuffles are GroupNonUniform, SPIR-V 1.3");
        assertValid(module);
        DeviceCapabilities none = new DeviceCapabilities(true, false, false, 1024, "OpenCL C 1.2");
        SpirvBinary fallback = SpirvEmitter.emit(CoverageKernel.subGroups(), none);
        assertValid(fallback);
        String text = SpirvDisassembler.disassemble(fallback);
        assertFalse(
                text.contains("GroupNonUniform") || text.contains("SubgroupSize"),
                "no sub-group instruction without sub-groups:\n" + text);
    }

    @Test
    void doublesNeedADeviceWithFp64() {
        DeviceCapabilities noFp64 = new DeviceCapabilities(false, false, false, 1024, "OpenCL C 1.2");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SpirvEmitter.emit(CoverageKernel.build(), noFp64));
        assertTrue(e.getMessage().contains("CoverageKernel.coverage uses double precision"), e.getMessage());
    }

    @Test
    void notAModuleIsAClearError() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SpirvBinary.fromBytes("k", new byte[24]));
        assertTrue(e.getMessage().contains("magic number 0x0 at offset 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpirvBinary.fromBytes("k", new byte[7]));
        assertTrue(e.getMessage().contains("7 bytes"), e.getMessage());
    }

    @Test
    void irIsWellFormed() {
        IrVerifier.verify(CoverageKernel.build().ir());
        IrVerifier.verify(CoverageKernel.subGroups().ir());
    }

    private static void assertValid(SpirvBinary module) {
        Assumptions.assumeTrue(
                SpirvTools.spirvVal() != null, "spirv-val is not installed (Debian package spirv-tools)");
        String env = SpirvTools.validationEnvironment(module);
        SpirvTools.Result r = SpirvTools.validate(module, env);
        assertTrue(
                r.ok(), () -> "spirv-val " + env + ":\n" + r.output() + "\n" + SpirvDisassembler.disassemble(module));
    }

    @Test
    void coverageKernelComputesWhatJavaDoesOnEverySpirvDevice() {
        List<? extends ComputeDevice> devices = Devices.backend("spirv").devices();
        Assumptions.assumeTrue(
                !devices.isEmpty(),
                () -> "no device takes SPIR-V: " + Devices.backend("spirv").unavailableReason());
        for (ComputeDevice d : devices) {
            CLDevice device = ((SpirvDevice) d).clDevice();
            SpirvRoute route = ((SpirvDevice) d).route();
            SpirvBinary module = SpirvEmitter.emit(CoverageKernel.build(), ((SpirvDevice) d).capabilities());
            float[] out = CoverageKernel.out();
            int[] outI = new int[10];
            long[] outL = CoverageKernel.outL();
            short[] half = new short[2];
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = route == SpirvRoute.IL
                            ? context.buildIL(module.bytes(), "")
                            : context.buildBinary(SpirTranslator.toSpirBitcode(module), SpirTranslator.BUILD_OPTIONS);
                    CLKernel kernel = program.kernel("coverage")) {
                MemorySegment[] host = {
                    MemorySegment.ofArray(out),
                    MemorySegment.ofArray(outI),
                    MemorySegment.ofArray(outL),
                    MemorySegment.ofArray(half)
                };
                CLBuffer[] buffers = new CLBuffer[host.length];
                for (int i = 0; i < host.length; i++) {
                    buffers[i] = context.allocate(host[i].byteSize());
                    queue.write(buffers[i], 0, host[i], host[i].byteSize(), true);
                    kernel.setArg(i, buffers[i]);
                }
                kernel.setArg(4, (byte) 1);
                kernel.setArg(5, CoverageKernel.HS);
                kernel.setArg(6, CoverageKernel.X);
                kernel.setArg(7, CoverageKernel.L);
                kernel.setArg(8, CoverageKernel.D);
                queue.launch(kernel, new long[] {1}, new long[] {1});
                queue.finish();
                for (int i = 0; i < host.length; i++) {
                    queue.read(buffers[i], 0, host[i], host[i].byteSize(), true);
                    buffers[i].close();
                }
            }
            CoverageKernel.Expected e = CoverageKernel.expected();
            assertArrayEquals(e.outI(), outI, d.id() + " int results");
            assertArrayEquals(e.outL(), outL, d.id() + " long results");
            assertArrayEquals(e.half(), half, d.id() + " half results");
            assertArrayEquals(e.out(), out, 1e-6f, d.id() + " float results");
            assertEquals(0f, out[15], d.id() + ": a * a - c was contracted into an fma (ContractionOff not honoured)");
        }
    }
}
