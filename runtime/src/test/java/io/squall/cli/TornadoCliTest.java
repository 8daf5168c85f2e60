package io.squall.cli;

import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.device.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TornadoCliTest {

    /** Parses argv and returns the java command it would run. */
    private static List<String> commandFor(String... argv) {
        CommandLine cl = TornadoCli.commandLine();
        cl.parseArgs(argv);
        TornadoCli cli = cl.getCommand();
        return cli.command().toList();
    }

    @Test
    void optionsBecomeRuntimePropertiesAndTheProgramKeepsItsArguments() {
        List<String> cmd = commandFor(
                "--device",
                "opencl:0",
                "--printKernel",
                "--fastMath",
                "--fallback",
                "--threads",
                "3",
                "--checked",
                "--jvm",
                "-Xmx1g '-Dx=a b'",
                "-cp",
                "app.jar",
                "com.example.Main",
                "--device",
                "x");
        assertTrue(cmd.getFirst().endsWith("/bin/java"), cmd.toString());
        assertTrue(cmd.containsAll(
                List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector")));
        assertTrue(
                cmd.containsAll(List.of(
                        "-Dsquall.device=opencl:0",
                        "-Dsquall.printKernel=true",
                        "-Dsquall.fastMath=true",
                        "-Dsquall.fallback=jvm",
                        "-Dsquall.threads=3",
                        "-Dsquall.checked=true",
                        "-Xmx1g",
                        "-Dx=a b")),
                cmd.toString());
        int cp = cmd.indexOf("-cp");
        assertTrue(cmd.get(cp + 1).startsWith("app.jar" + java.io.File.pathSeparator), cmd.get(cp + 1));
        assertEquals(List.of("com.example.Main", "--device", "x"), cmd.subList(cp + 2, cmd.size()));
    }

    @Test
    void profilerModeIsOptional() {
        assertTrue(commandFor("--profiler", "Main").contains("-Dsquall.profiler=console"));
        assertTrue(commandFor("--profiler", "silent", "Main").contains("-Dsquall.profiler=silent"));
        List<String> json = commandFor("--profiler", "json:p.json", "Main");
        assertTrue(json.contains("-Dsquall.profiler=json:" + Path.of("p.json").toAbsolutePath()), json.toString());
        assertEquals("Main", json.get(json.size() - 1));
    }

    @Test
    void emitWritesIntoTheOutDirectory(@TempDir Path dir) {
        List<String> cmd = commandFor("--emit", "ptx", "--target", "sm_90", "--out", dir.toString(), "Main");
        assertTrue(cmd.contains("-Dsquall.emit=ptx"));
        assertTrue(cmd.contains("-Dsquall.emit.dir=" + dir.toAbsolutePath()));
        assertTrue(cmd.contains("-Dsquall.emit.target=sm_90"));
    }

    private static String errorOf(String... argv) {
        StringWriter err = new StringWriter();
        CommandLine cl = TornadoCli.commandLine();
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(argv);
        assertEquals(2, status, "exit status for " + List.of(argv));
        return err.toString();
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(errorOf("--device", "gpu0", "Main").contains("--device gpu0: expected jvm or BACKEND:N"));
        assertTrue(errorOf("--emit", "cuda", "Main").contains("--emit cuda: expected one of [opencl, ptx, spirv]"));
        assertTrue(errorOf("--out", "x", "Main").contains("--out needs --emit"));
        assertTrue(errorOf("--jvm", "-Da='b", "Main").contains("unbalanced quote"));
        assertTrue(errorOf("--threads", "0", "Main").contains("--threads 0: expected at least 1"));
        assertTrue(errorOf().contains("give a main class to run, or --devices"));
    }

    @Test
    void devicesListsTheJvmAndEveryOpenCLDeviceOrWhyNot() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, TornadoCli.commandLine().execute("--devices"));
        } finally {
            System.setOut(saved);
        }
        String listing = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(listing.contains("    jvm  "), listing);
        assertTrue(listing.contains("Max work-group size:"), listing);
        for (Backend backend : Devices.backends()) {
            assertTrue(listing.contains("Backend: " + backend.name()), listing);
            for (ComputeDevice device : backend.devices()) {
                assertTrue(
                        listing.contains("    " + device.id() + "  "
                                + device.properties().name()),
                        listing);
            }
            if (backend.devices().isEmpty()) {
                assertTrue(listing.contains(backend.unavailableReason()), listing);
            }
        }
        if (OpenCL.isAvailable()) {
            for (int i = 0; i < OpenCL.devices().size(); i++) {
                assertTrue(
                        listing.contains(
                                "opencl:" + i + "  " + OpenCL.devices().get(i).name()),
                        listing);
            }
        }
    }

    /** A program for the launcher to run: prints what it received. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println("args=" + String.join("|", args) + " device=" + System.getProperty("squall.device")
                    + " vector="
                    + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
            System.exit(7);
        }
    }

    @Test
    void runsTheProgramWithTheRuntimeOnItsClassPath(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        // Run the launcher's child through the exec-file protocol the script uses, then run that command here.
        Path execFile = dir.resolve("exec");
        assertEquals(
                0,
                TornadoCli.commandLine()
                        .execute(
                                "--device",
                                "jvm",
                                "--exec-file",
                                execFile.toString(),
                                "-cp",
                                "",
                                Echo.class.getName(),
                                "a b",
                                "c"));
        List<String> command = List.of(Files.readString(execFile).split("\0"));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertEquals(7, p.waitFor());
        assertEquals("args=a b|c device=jvm vector=true", Files.readString(out).strip());
    }

    /** Runs the launcher's command for argv as the script would, returning the exit status and the program's stdout. */
    private static Object[] launch(Path dir, String... argv) throws Exception {
        Path execFile = dir.resolve("exec");
        Path out = dir.resolve("out.txt");
        List<String> all = new java.util.ArrayList<>(List.of("--exec-file", execFile.toString()));
        all.addAll(List.of(argv));
        assertEquals(0, TornadoCli.commandLine().execute(all.toArray(String[]::new)));
        List<String> command = List.of(Files.readString(execFile).split("\0"));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int status = p.waitFor();
        return new Object[] {status, Files.readString(out)};
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} on {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "VectorAdd, jvm, 10000",
        "Saxpy, jvm, 10000",
        "MatrixMultiply, jvm, 48",
        "TiledMatMul, jvm, 48",
        "Reduction, jvm, 10000",
        "VectorAdd, opencl:0, 10000",
        "TiledMatMul, opencl:0, 48",
        "Reduction, opencl:0, 10000"
    })
    void examplesRunThroughTheLauncherAndVerifyTheirResults(
            String example, String device, String size, @TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                device.equals("jvm") || OpenCL.isAvailable(), "no OpenCL device: " + OpenCL.unavailableReason());
        Object[] result = launch(dir, "--device", device, "io.squall.examples." + example, size);
        String output = (String) result[1];
        assertEquals(0, result[0], output);
        assertTrue(output.contains(example + " ") && output.contains(" on " + device + " ("), output);
        assertTrue(output.contains(example + ": result verified against plain Java"), output);
    }

    @Test
    void jvmFlagsSplitLikeAShell() {
        assertEquals(List.of("-Xmx2g", "-Da=b c", "-ea"), JavaCommand.splitFlags("  -Xmx2g \"-Da=b c\"  -ea "));
        assertEquals(List.of(), JavaCommand.splitFlags(null));
    }

    @Test
    void versionNamesSquallAndJava() {
        String[] version = new TornadoCli.Version().getVersion();
        assertTrue(version[0].startsWith("Squall tornado "));
        assertEquals(2, version.length);
        assertTrue(version[1].startsWith("Java " + Runtime.version().feature()));
    }
}
