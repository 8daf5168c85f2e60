package io.squall.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jars on the module path, as the README documents: a named application module that requires
 * io.squall.model, opens its kernel package to io.squall.runtime, runs a kernel and generates text.
 */
class ModulePathTest {
    @TempDir
    Path dir;

    static final String MODULE_INFO = """
            module com.example.app {
                requires io.squall.model;
                opens com.example.app to io.squall.runtime;
            }
            """;

    static final String MAIN = """
            package com.example.app;

            import io.squall.api.ImmutableTaskGraph;
            import io.squall.api.TaskGraph;
            import io.squall.api.TornadoExecutionPlan;
            import io.squall.api.annotations.Parallel;
            import io.squall.api.enums.DataTransferMode;
            import io.squall.api.types.arrays.FloatArray;
            import io.squall.llama.GenerationRequest;
            import io.squall.llama.Llama;
            import io.squall.llama.Sampling;
            import java.nio.file.Path;

            public class Main {
                public static void scale(FloatArray x) {
                    for (@Parallel int i = 0; i < x.getSize(); i++) {
                        x.set(i, 3f * x.get(i));
                    }
                }

                public static void main(String[] args) throws Exception {
                    FloatArray x = new FloatArray(64);
                    x.init(2f);
                    ImmutableTaskGraph g = new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                            .task("t", Main::scale, x).transferToHost(DataTransferMode.EVERY_EXECUTION, x).snapshot();
                    try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g)) {
                        plan.execute();
                    }
                    System.out.println("kernel " + x.get(63));
                    try (Llama llama = Llama.load(Path.of(args[0]), Llama.Options.builder().contextSize(64).build())) {
                        System.out.println("text " + llama.generate(GenerationRequest.prompt("Once").maxTokens(5)
                                .sampling(Sampling.greedy()).build()).completionTokens());
                    }
                }
            }
            """;

    @Test
    void packagedJarsWorkOnTheModulePath() throws Exception {
        List<String> modulePath = new ArrayList<>();
        int squallJars = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            // The runtime's test jar (the package-cycle check) is on the test class path too: not a module of the
            // application.
            boolean squall = (entry.contains("squall-runtime")
                            || entry.contains("squall-tornado-kernels")
                            || entry.contains("squall-model")
                            || entry.replace('\\', '/')
                                    .matches(".*/(runtime|tornado-kernels|model)/target[^/]*/classes/?"))
                    && !name.endsWith("-tests.jar");
            if (squall) {
                Assumptions.assumeTrue(name.endsWith(".jar"), "needs the packaged jars (mvn verify), found " + entry);
                try (JarFile jar = new JarFile(entry)) {
                    assertTrue(
                            jar.getManifest()
                                    .getMainAttributes()
                                    .getValue("Automatic-Module-Name")
                                    .startsWith("io.squall."),
                            entry);
                }
                modulePath.add(entry);
                squallJars++;
            } else if (name.matches("jackson-(databind|core|annotations)-.*\\.jar") || name.startsWith("picocli")) {
                modulePath.add(entry);
            }
        }
        assertEquals(3, squallJars, "runtime, kernels and model jars on the class path");
        Path src = dir.resolve("src/com/example/app");
        Files.createDirectories(src);
        Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("Main.java"), MAIN);
        Path out = dir.resolve("out");
        String mp = String.join(File.pathSeparator, modulePath);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        diagnostics,
                        diagnostics,
                        "--module-path",
                        mp,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-d",
                        out.toString(),
                        dir.resolve("src/module-info.java").toString(),
                        src.resolve("Main.java").toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--module-path",
                        out + File.pathSeparator + mp,
                        "--add-modules",
                        "jdk.incubator.vector,com.fasterxml.jackson.databind",
                        "--enable-native-access=io.squall.runtime",
                        "-Dsquall.device=jvm",
                        "-m",
                        "com.example.app/com.example.app.Main",
                        OpenAiServerTest.stories().toString())
                .redirectErrorStream(true)
                .start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String output = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("kernel 6.0") && output.contains("text 5"), output);
    }
}
