package io.squall.llama;

import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's complete Java examples, taken from README.md as they are, compiled against this module's class path and
 * run in a fresh JVM with the flags the README documents.
 */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    static Path readme() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("README.md");
            if (Files.isRegularFile(p) && Files.isDirectory(d.resolve("model"))) {
                return p;
            }
        }
        Assumptions.assumeTrue(false, "README.md not found above " + Path.of("").toAbsolutePath());
        return null;
    }

    /** The ```java block of the README that declares {@code public class <name>}. */
    static String javaBlock(String className) throws IOException {
        String text = Files.readString(readme());
        int from = 0;
        while ((from = text.indexOf("```java\n", from)) >= 0) {
            int end = text.indexOf("\n```", from);
            String block = text.substring(from + 8, end + 1);
            if (block.contains("public class " + className + " ")) {
                return block;
            }
            from = end;
        }
        throw new AssertionError("README.md has no ```java block declaring public class " + className);
    }

    String compileAndRun(String className, String... args) throws Exception {
        Path src = dir.resolve(className + ".java");
        Files.writeString(src, javaBlock(className));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        String classPath = System.getProperty("java.class.path");
        int rc = javac.run(
                null,
                diagnostics,
                diagnostics,
                "--add-modules",
                "jdk.incubator.vector",
                "-classpath",
                classPath,
                "-d",
                dir.toString(),
                src.toString());
        assertEquals(
                0,
                rc,
                "the README's " + className + " does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                dir + java.io.File.pathSeparator + classPath,
                className));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), className + " did not end");
        String output = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), className + " failed:\n" + output);
        assertTrue(
                !output.contains("WARNING: A restricted method"),
                "no native-access warnings with the documented flags:\n" + output);
        return output;
    }

    @Test
    void storyExampleCompilesAndRuns() throws Exception {
        String out = compileAndRun("Story", TestModels.stories().toString());
        assertTrue(out.matches("(?s).*(STOP|LENGTH): \\d+ tokens, prompt \\d+ tokens, first logprob -?\\d.*"), out);
    }

    @Test
    void saxpyExampleCompilesAndRuns() throws Exception {
        String out = compileAndRun("Saxpy");
        assertTrue(out.contains("y[0] = 4.0"), out);
    }
}
