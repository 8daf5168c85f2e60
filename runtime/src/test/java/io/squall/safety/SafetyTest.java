package io.squall.safety;

import io.squall.api.KernelContext;
import io.squall.api.common.TornadoFunctions;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.backend.jvm.driver.JvmKernelException;
import io.squall.backend.jvm.driver.JvmKernelRunner;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.jit.compiler.JitCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The misuse suite of the runtime: each case runs in a forked JVM ({@link SafetyProbe}), where a crash is the failure
 * being tested for; the expected values are Java's semantics and the documented device results.
 */
class SafetyTest {
    private static ForkedJvm.Result probe(String... args) throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(List.of(), SafetyProbe.class, args);
        assertFalse(
                r.crashed(),
                () -> "the JVM running " + String.join(" ", args) + " crashed (status " + r.status() + "):"
                        + r.output());
        String skip = r.value("skip");
        assumeTrue(skip == null, () -> args[1] + " is not available: " + skip);
        return r;
    }

    private static void assumeOpenCL() {
        assumeTrue(OpenCL.isAvailable(), () -> "no OpenCL device: " + OpenCL.unavailableReason());
    }

    /** "SafetyKernels.java:N" for the line marked {@code // site:<name>}. */
    static String site(String name) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/squall/safety/SafetyKernels.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// site:" + name)) {
                return "SafetyKernels.java:" + (i + 1);
            }
        }
        throw new IllegalStateException("no site " + name);
    }

    @Test
    void hostDivisionByZeroThrowsBeforeAndAfterLoadingOpenCLInterpretedAndCompiled() throws Exception {
        assumeOpenCL();
        ForkedJvm.Result r = ForkedJvm.run(List.of("-Xbatch"), SafetyProbe.class, "sigfpe");
        assertFalse(r.crashed(), r.output());
        assertEquals("throws", r.value("before"), r.output());
        assertEquals("throws", r.value("after"), "10 / 0 after OpenCL discovery:" + r.output());
        assertEquals("throws", r.value("compiled"), "10 / 0 in compiled code:" + r.output());
        assertEquals("throws", r.value("inline"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl:0", "spirv:0"})
    void integerDivisionGivesOneDocumentedResultOnDevices(String device) throws Exception {
        assumeOpenCL();
        ForkedJvm.Result r = probe("divide", device, "default");
        // a: 10, MIN, MIN, 7, -7, 1234, 5, -9;  b: 0, -1, 0, -2, 2, 0, 3, -1.  x / 0 == 0 and x % 0 == 0; the rest is
        // Java's.
        assertEquals("[0, -2147483648, 0, -3, -3, 0, 1, 9]", r.value("q"), r.output());
        assertEquals("[0, 0, 0, 1, -1, 0, 2, 0]", r.value("r"), r.output());
        assertEquals("[0, -9223372036854775808, 0, -3, -3, 0, 1, 9]", r.value("ql"), r.output());
        assertEquals("[0, 0, 0, 1, -1, 0, 2, 0]", r.value("rl"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl:0", "spirv:0", "jvm"})
    void checkedModeReportsDivisionByZero(String device) throws Exception {
        if (!device.equals("jvm")) {
            assumeOpenCL();
        }
        String error = probe("divide", device, "checked").value("error");
        assertTrue(error != null && error.contains("SafetyKernels.divide"), String.valueOf(error));
        if (device.equals("jvm")) {
            assertTrue(error.contains("ArithmeticException: / by zero"), error);
        } else {
            assertTrue(
                    error.contains("integer division by zero at " + site("divide")) && error.contains(device), error);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "opencl:0, onePast",
        "opencl:0, farPast",
        "opencl:0, negative",
        "opencl:0, readOnePast",
        "opencl:0, readFarPast",
        "opencl:0, readNegative",
        "spirv:0, onePast",
        "spirv:0, farPast",
        "spirv:0, readFarPast"
    })
    void outOfBoundsAccessesOnACpuDeviceTouchNothingOutsideTheArray(String device, String variant) throws Exception {
        assumeOpenCL();
        ForkedJvm.Result r = probe("oob", device, "default", variant);
        assertEquals("ran", r.value("outcome"), r.output());
        assertEquals("intact", r.value("neighbours"), r.output());
        String expected = switch (variant) {
            case "onePast" -> "out0=0.0 out98=2.0 out99=2.0"; // in-range writes done, the stray one skipped
            case "readOnePast" -> "out0=1.0 out98=99.0 out99=0.0"; // the read past the end gives 0
            default -> "out0=0.0 out98=0.0 out99=0.0"; // every access out of range
        };
        assertTrue(r.output().contains(expected), r.output());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "opencl:0, onePast, 100, writeAt",
        "opencl:0, negative, -1048576, writeAt",
        "opencl:0, readOnePast, 100, readAt",
        "spirv:0, onePast, 100, writeAt",
        "spirv:0, readFarPast, 16777216, readAt",
        "jvm, onePast, 100, writeAt",
        "jvm, readOnePast, 100, readAt"
    })
    void checkedModeReportsKernelLineAndIndex(String device, String variant, int index, String kernel)
            throws Exception {
        if (!device.equals("jvm")) {
            assumeOpenCL();
        }
        ForkedJvm.Result r = probe("oob", device, "checked", variant);
        String error = r.value("error");
        assertTrue(error != null && error.contains("SafetyKernels." + kernel), r.output());
        if (device.equals("jvm")) { // the array's own check, and the line from the split loop's copy of the kernel
            assertTrue(
                    error.contains("Index " + index + " out of bounds for length 100")
                            && error.contains(" at " + site(kernel)),
                    error);
        } else {
            assertTrue(
                    error.contains("index " + index + " out of bounds for length 100 of array arg0 at " + site(kernel)),
                    error);
        }
        assertEquals("intact", r.value("neighbours"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unguarded", "unguardedAfterBarrier"})
    void aKernelContextKernelFailingOnTheJvmBackendNamesItsLine(String kernel) throws Exception {
        Method method = SafetyKernels.class.getMethod(kernel, KernelContext.class, IntArray.class);
        IntArray out = new IntArray(6);
        JvmKernelException e = assertThrows(
                JvmKernelException.class,
                () -> JvmKernelRunner.run(
                        method, new Object[] {new KernelContext(), out}, new long[] {8}, new long[] {4}, 2));
        assertTrue(
                e.getMessage().contains("SafetyKernels." + kernel)
                        && e.getMessage().contains("out of bounds for length 6")
                        && e.getMessage().contains(" at " + site(kernel)),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl:0", "jvm"})
    void aGridBeyondTheIntRangeIsRefusedBeforeLaunch(String device) throws Exception {
        if (!device.equals("jvm")) {
            assumeOpenCL();
        }
        ForkedJvm.Result r = probe("grid", device);
        assertNull(r.value("outcome"), r.output());
        String error = r.value("error");
        assertTrue(
                error != null
                        && error.contains("task grid.ids")
                        && error.contains("[2147483648]")
                        && error.contains("2147483647"),
                r.output());
    }

    private static void compile(TornadoFunctions.Task2<KernelContext, FloatArray> task) {
        ResolvedTask t = TaskResolver.resolve(task);
        JitCompiler.compile(
                t.method(),
                List.of(new ArgSpec(KernelContext.class, null), new ArgSpec(FloatArray.class, null)),
                CompileOptions.defaults());
    }

    @Test
    void aBarrierUnderAWorkItemDependentBranchIsRejectedWithItsLine() throws Exception {
        KernelCompilationException e =
                assertThrows(KernelCompilationException.class, () -> compile(SafetyKernels::barrierInDivergentBranch));
        assertTrue(
                e.getMessage().contains("SafetyKernels.barrierInDivergentBranch")
                        && e.getMessage().contains(site("divergentBarrier"))
                        && e.getMessage().contains("barrier under a branch that depends on the work-item id"),
                e.getMessage());
        e = assertThrows(KernelCompilationException.class, () -> compile(SafetyKernels::barrierInDivergentLoop));
        assertTrue(e.getMessage().contains(site("divergentLoop")), e.getMessage());
        compile(SafetyKernels::barrierAfterDivergentBranch); // every work-item reaches it: accepted
    }

    @Test
    void corruptAotBinariesAreClearErrorsNamingTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeOpenCL();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("g.k.cl"), "__kernel void k(__global float* x) { x[get_global_id(0)] = 1.0f; }");
        io.squall.device.placement.AotBuild.build("opencl:0", src, dir.resolve("good"), false, null);
        byte[] good = Files.readAllBytes(dir.resolve("good/g.k.bin"));
        assertTrue(Files.readString(dir.resolve("good/SHA256SUMS")).endsWith("  g.k.bin\n"));

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x40;
        java.util.Map<String, byte[]> mutants = new java.util.LinkedHashMap<>();
        mutants.put("truncated", java.util.Arrays.copyOf(good, good.length / 3));
        mutants.put("empty", new byte[0]);
        mutants.put("flipped", flipped);
        for (var m : mutants.entrySet()) {
            Path bins = Files.createDirectories(dir.resolve(m.getKey()));
            Files.write(bins.resolve("g.k.bin"), m.getValue());
            Files.copy(dir.resolve("good/SHA256SUMS"), bins.resolve("SHA256SUMS"));
            ForkedJvm.Result r = loadThrough(dir, m.getKey());
            String error = r.value("error");
            assertTrue(
                    error != null
                            && error.contains("kernel binary " + bins.resolve("g.k.bin") + " for opencl:0 is corrupt"),
                    r.output());
        }
        Path unlisted = Files.createDirectories(dir.resolve("unlisted"));
        Files.write(unlisted.resolve("g.k.bin"), good);
        String error = loadThrough(dir, "unlisted").value("error");
        assertTrue(error != null && error.contains("no checksum manifest " + unlisted.resolve("SHA256SUMS")), error);
        assertEquals("loaded", loadThrough(dir, "good").value("outcome"));
    }

    private static ForkedJvm.Result loadThrough(Path dir, String binaries) throws Exception {
        Path json = dir.resolve(binaries + ".json");
        Files.writeString(
                json,
                "{\"devices\": [{\"id\": \"opencl:0\", \"binaries\": \"" + binaries + "\"}], \"stages\": \"auto\"}");
        ForkedJvm.Result r = ForkedJvm.run(List.of(), SafetyProbe.class, "aot", json.toString());
        assertFalse(r.crashed(), () -> "loading " + binaries + " crashed the JVM:" + r.output());
        return r;
    }

    @Test
    void theCheckedPropertyTurnsCheckedModeOnForEveryPlan() throws Exception {
        assumeOpenCL(); // in this JVM: guarded and checked kernels touch nothing outside their arrays
        FloatArray out = new FloatArray(100);
        io.squall.api.TaskGraph g = new io.squall.api.TaskGraph("prop")
                .task("write", SafetyKernels::writeAt, out, 1)
                .transferToHost(io.squall.api.enums.DataTransferMode.EVERY_EXECUTION, out);
        try (io.squall.api.TornadoExecutionPlan plan = new io.squall.api.TornadoExecutionPlan(g.snapshot())
                .withDevice(io.squall.api.TornadoExecutionPlan.getDevice("opencl:0"))) {
            plan.execute(); // default mode: the stray store is skipped, silently
        }
        assertEquals(2f, out.get(99));
        System.setProperty(io.squall.plan.RuntimeOptions.CHECKED, "true");
        try (io.squall.api.TornadoExecutionPlan plan = new io.squall.api.TornadoExecutionPlan(g.snapshot())
                .withDevice(io.squall.api.TornadoExecutionPlan.getDevice("opencl:0"))) {
            String msg = assertThrows(io.squall.api.exceptions.TornadoRuntimeException.class, plan::execute)
                    .getMessage();
            assertTrue(
                    msg.contains(
                                    "task prop.write (kernel SafetyKernels.writeAt) on opencl:0: index 100 out of bounds for length 100")
                            && msg.contains(site("writeAt")),
                    msg);
        } finally {
            System.clearProperty(io.squall.plan.RuntimeOptions.CHECKED);
        }
    }
}
