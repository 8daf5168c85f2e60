package io.squall.device.placement;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.device.Devices;
import io.squall.device.SquallDevice;
import io.squall.exec.KernelCache;
import io.squall.plan.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The AOT flow on PoCL: {@code tornado --emit opencl} writes the sources, {@link AotBuild} builds them with the device's
 * driver, devices.json names the binaries with JIT disabled, and the program runs from the binaries with no source compile.
 */
class AotFlowTest {
    static final int N = 4096;

    public static void scale(FloatArray a, FloatArray b, float f) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, a.get(i) * f);
        }
    }

    public static void addOne(FloatArray b) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, b.get(i) + 1f);
        }
    }

    public static void square(FloatArray b) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            b.set(i, b.get(i) * b.get(i));
        }
    }

    record Run(FloatArray out, TornadoExecutionResult result) {}

    static Run run(String graphName, String device) throws Exception {
        FloatArray a = new FloatArray(N);
        FloatArray b = new FloatArray(N);
        for (int i = 0; i < N; i++) {
            a.set(i, i * 0.5f);
        }
        ImmutableTaskGraph g = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a)
                .task("scale", AotFlowTest::scale, a, b, 3f)
                .task("addOne", AotFlowTest::addOne, b)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, b)
                .snapshot();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g)) {
            TornadoExecutionResult r = plan.withDevice(SquallDevice.of(Devices.get(device)))
                    .withProfiler(ProfilerMode.SILENT)
                    .execute();
            return new Run(b, r);
        }
    }

    static boolean hasOpenCL() {
        return !Devices.backend("opencl").devices().isEmpty();
    }

    @Test
    void emitBuildAndRunFromBinariesWithoutCompiling(@TempDir Path dir) throws Exception {
        assumeTrue(
                hasOpenCL(),
                "no OpenCL device (PoCL): " + Devices.backend("opencl").unavailableReason());
        Path src = dir.resolve("src");
        Path bin = dir.resolve("bin");
        // 1. emit (what `tornado --emit opencl --out src` sets), running on the JVM: no device compiles anything
        System.setProperty(RuntimeOptions.EMIT, "opencl");
        System.setProperty(RuntimeOptions.EMIT_DIR, src.toString());
        try {
            run("aotFlow", "jvm");
        } finally {
            System.clearProperty(RuntimeOptions.EMIT);
            System.clearProperty(RuntimeOptions.EMIT_DIR);
        }
        assertTrue(Files.isRegularFile(src.resolve("aotFlow.scale.cl")), "emitted source");
        assertTrue(Files.isRegularFile(src.resolve("aotFlow.addOne.cl")), "emitted source");

        // 2. ahead-of-time build with the device's driver
        List<AotBuild.Built> built = AotBuild.build("opencl:0", src, bin, false, null);
        assertEquals(2, built.size());
        assertTrue(Files.size(bin.resolve("aotFlow.scale.bin")) > 0);

        // 3. run from the binaries, JIT disabled
        Path json = dir.resolve("devices.json");
        Files.writeString(json, """
                {"devices": [{"id": "opencl:0", "binaries": "bin", "jit": false}],
                 "stages": [{"device": "opencl:0", "layers": "all"}]}""");
        DeviceMap map = DeviceMap.load(json);
        long sourceBuilds = KernelCache.deviceBuilds();
        long binaryLoads = KernelCache.binaryLoads();
        try (DeviceMapBinaries _ = map.installKernelBinaries()) {
            Run r = run("aotFlow", "opencl:0");
            for (int i = 0; i < N; i++) {
                assertEquals(i * 0.5f * 3f + 1f, r.out().get(i), 0f, "element " + i);
            }
            assertEquals(sourceBuilds, KernelCache.deviceBuilds(), "no kernel was compiled from source");
            assertEquals(binaryLoads + 2, KernelCache.binaryLoads(), "both tasks loaded their binaries");
            assertTrue(r.result().getProfilerResult().getDeviceKernelTime() > 0, "the kernels ran on the device");

            // a task with no binary on a device that cannot JIT is a clear error
            FloatArray b = new FloatArray(16);
            ImmutableTaskGraph other = new TaskGraph("aotMissing")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, b)
                    .task("square", AotFlowTest::square, b)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, b)
                    .snapshot();
            try (TornadoExecutionPlan plan = new TornadoExecutionPlan(other)) {
                String msg = assertThrows(
                                RuntimeException.class,
                                () -> plan.withDevice(SquallDevice.of(Devices.get("opencl:0")))
                                        .execute())
                        .getMessage();
                assertTrue(
                        msg.contains("task aotMissing.square")
                                && msg.contains("JIT disabled in " + json + ": devices[0]")
                                && msg.contains("there is no binary for this task"),
                        msg);
            }
        }
        // unregistered: the same graph compiles again
        run("aotFlow", "opencl:0");
        assertTrue(KernelCache.deviceBuilds() > sourceBuilds, "compiled from source once the binaries are gone");
    }

    @Test
    void binariesThatDoNotMatchAreClearErrors(@TempDir Path dir) throws IOException {
        assumeTrue(
                hasOpenCL(),
                "no OpenCL device (PoCL): " + Devices.backend("opencl").unavailableReason());
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("g.k.cl"), "__kernel void k(__global float* x) { x[get_global_id(0)] = 1.0f; }");
        AotBuild.build("opencl:0", src, dir.resolve("good"), false, null);

        Path garbage = dir.resolve("garbage");
        Files.createDirectories(garbage);
        Files.write(garbage.resolve("g.k.bin"), "not a device binary".getBytes());
        Files.writeString(
                dir.resolve("d1.json"),
                "{\"devices\": [{\"id\": \"opencl:0\", \"binaries\": \"garbage\"}], \"stages\": \"auto\"}");
        String msg = assertThrows(
                        DeviceMapException.class,
                        () -> DeviceMap.load(dir.resolve("d1.json")).installKernelBinaries())
                .getMessage();
        // placing a model checks the binaries too, before any weight is loaded
        assertEquals(
                msg,
                assertThrows(
                                DeviceMapException.class,
                                () -> DeviceMap.load(dir.resolve("d1.json"))
                                        .place(ModelFootprint.uniform(2, 1000, 100, 100, 10, 10)))
                        .getMessage());
        assertTrue(
                msg.startsWith(
                        dir.resolve("d1.json") + ": devices[0].binaries: kernel binary " + garbage.resolve("g.k.bin")),
                msg);
        assertTrue(msg.contains("opencl:0"), msg);

        Files.writeString(
                dir.resolve("d2.json"),
                "{\"devices\": [{\"id\": \"opencl:0\", \"binaries\": {\"matvec\": \"good/g.k.bin\"}}], \"stages\": \"auto\"}");
        msg = assertThrows(
                        DeviceMapException.class,
                        () -> DeviceMap.load(dir.resolve("d2.json")).installKernelBinaries())
                .getMessage();
        assertTrue(
                msg.contains("devices[0].binaries.matvec: kernel binary " + dir.resolve("good/g.k.bin")
                        + " has no kernel matvec for opencl:0"),
                msg);

        Files.writeString(
                dir.resolve("d3.json"),
                "{\"devices\": [{\"id\": \"opencl:0\", \"binaries\": {\"k\": \"good/g.k.bin\"}}], \"stages\": \"auto\"}");
        DeviceMap.load(dir.resolve("d3.json")).installKernelBinaries().close();

        Files.writeString(src.resolve("g.bad.cl"), "__kernel void bad(__global float* x) { x[0] = undefined_thing; }");
        msg = assertThrows(
                        RuntimeException.class, () -> AotBuild.build("opencl:0", src, dir.resolve("out"), false, null))
                .getMessage();
        assertTrue(msg.startsWith("aot-build: " + src.resolve("g.bad.cl") + " does not build on opencl:0"), msg);
        assertTrue(msg.contains("undefined_thing"), "carries the build log: " + msg);
    }

    @Test
    void aotBuildNeedsAnOpenCLDeviceAndSources(@TempDir Path dir) {
        String msg = assertThrows(RuntimeException.class, () -> AotBuild.build("jvm", dir, dir, false, null))
                .getMessage();
        assertTrue(msg.contains("only OpenCL devices"), msg);
        assumeTrue(hasOpenCL(), "no OpenCL device (PoCL)");
        msg = assertThrows(RuntimeException.class, () -> AotBuild.build("opencl:0", dir, dir.resolve("o"), false, null))
                .getMessage();
        assertTrue(msg.contains("holds no .cl files"), msg);
    }
}
