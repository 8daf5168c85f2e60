package io.squall.backend.spirv.codegen;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.CodeEmitters;
import io.squall.device.Devices;
import io.squall.plan.RuntimeOptions;
import io.squall.suite.Kernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --emit spirv} (squall.emit) with no SPIR-V device involved, and {@code --printKernel} on a spirv device. */
class SpirvEmitAndPrintTest {
    static FloatArray ramp(int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, i);
        }
        return a;
    }

    @Test
    void theSpirvEmitterIsRegistered() {
        assertEquals("spv", CodeEmitters.get("spirv").fileExtension());
    }

    @Test
    void emitWritesAValidModulePerTaskWhileTheProgramRunsOnTheJvm(@TempDir Path dir) throws Exception {
        int n = 300;
        FloatArray x = ramp(n), y = ramp(n);
        TaskGraph g = new TaskGraph("spvEmit")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, y)
                .task("saxpy", Kernels::saxpy, 2f, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        System.setProperty(RuntimeOptions.EMIT, "spirv");
        System.setProperty(RuntimeOptions.EMIT_DIR, dir.toString());
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice("jvm"))) {
            plan.execute();
        } finally {
            System.clearProperty(RuntimeOptions.EMIT);
            System.clearProperty(RuntimeOptions.EMIT_DIR);
        }
        assertEquals(3f * 7, y.get(7), "the program itself ran on the JVM");
        Path file = dir.resolve("spvEmit.saxpy.spv");
        assertTrue(Files.exists(file), "wrote " + file);
        SpirvBinary module = SpirvBinary.fromBytes("saxpy", Files.readAllBytes(file));
        String text = SpirvDisassembler.disassemble(module);
        assertTrue(text.contains("OpEntryPoint Kernel"), text);
        assertTrue(text.contains("OpExtInstImport \"OpenCL.std\""), text);
        if (SpirvTools.spirvVal() != null) {
            SpirvTools.Result r = SpirvTools.validate(module, SpirvTools.validationEnvironment(module));
            assertTrue(r.ok(), r::output);
        }
    }

    @Test
    void ownDisassemblyNamesInstructionsOperandsAndStrings() {
        SpirvBinary module =
                SpirvEmitter.emit(SuiteKernels.compile(suiteCase("matmulTiled"), false), SuiteKernels.FULL);
        String text = SpirvDisassembler.disassemble(module);
        for (String expected : new String[] {
            "OpCapability",
            "OpMemoryModel Physical64 OpenCL",
            "OpCapability Kernel",
            "OpExecutionMode",
            "ContractionOff",
            "BuiltIn 28",
            "OpVariable",
            "Workgroup",
            "OpControlBarrier",
            "OpPhi",
            "OpBranchConditional",
            "OpInBoundsPtrAccessChain",
            "Aligned 4",
            "OpFunctionEnd"
        }) {
            assertTrue(text.contains(expected), () -> expected + " missing from\n" + text);
        }
        assertFalse(text.contains("malformed"), text);
    }

    @Test
    void spirvDisRoundTripsEverySuiteKernel() {
        Assumptions.assumeTrue(
                SpirvTools.spirvDis() != null && SpirvTools.find("spirv-as") != null,
                "spirv-dis / spirv-as are not installed (Debian package spirv-tools)");
        for (var c : io.squall.suite.KernelSuite.all()) {
            SpirvBinary module = SpirvEmitter.emit(SuiteKernels.compile(c, false), SuiteKernels.FULL);
            String text = SpirvTools.disassemble(module);
            assertTrue(
                    text.contains("OpEntryPoint Kernel %" + module.entryName() + " \"" + module.entryName() + "\""),
                    text);
            assertTrue(text.contains("%1 = OpExtInstImport \"OpenCL.std\""), text);
            // Reassembled, the text gives back the very same words: the disassembly hides nothing.
            SpirvTools.Result raw = SpirvTools.runOn(
                    module, SpirvTools.spirvDis(), java.util.List.of("--raw-id", "--no-color"), java.util.List.of());
            assertTrue(raw.ok(), raw::output);
            int[] again = reassemble(c.name(), module.version(), raw.output());
            int[] words = module.words();
            words[2] = again[2]; // the generator word names the assembler
            assertArrayEquals(words, again, c.name());
        }
    }

    private static int[] reassemble(String name, String version, String text) {
        try {
            Path in = Files.createTempFile("squall-dis", ".spvasm");
            Path out = Files.createTempFile("squall-dis", ".spv");
            try {
                Files.writeString(in, text);
                SpirvTools.Result r = SpirvTools.run(java.util.List.of(
                        SpirvTools.find("spirv-as").toString(),
                        "--preserve-numeric-ids",
                        "--target-env",
                        "spv" + version,
                        in.toString(),
                        "-o",
                        out.toString()));
                assertTrue(r.ok(), () -> name + ": " + r.output());
                return SpirvBinary.fromBytes(name, Files.readAllBytes(out)).words();
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static io.squall.suite.SuiteCase suiteCase(String name) {
        return io.squall.suite.KernelSuite.all().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void printKernelOnASpirvDeviceShowsTheDisassembly() throws Exception {
        var spirv = Devices.backend("spirv");
        Assumptions.assumeTrue(
                !spirv.devices().isEmpty(), () -> "no device takes SPIR-V: " + spirv.unavailableReason());
        FloatArray x = ramp(64), y = ramp(64);
        TaskGraph g = new TaskGraph("spvPrint")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, y)
                .task("saxpy", Kernels::saxpy, 2f, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        String id = spirv.devices().getFirst().id();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice(id))
                .withPrintKernel()) {
            plan.execute();
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString();
        assertTrue(printed.contains("task spvPrint.saxpy on " + id), printed);
        assertTrue(printed.contains("OpEntryPoint Kernel"), printed);
        assertTrue(printed.contains("OpExtInst"), printed);
        assertEquals(3f * 5, y.get(5));
    }
}
