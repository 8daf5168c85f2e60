package io.squall.jit;

import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated OpenCL C of every suite kernel passes clang's OpenCL front end for OpenCL C 1.2 and 3.0 with
 * warnings as errors (a stricter check than one driver's compiler; vendor compilers derive from clang).
 */
class ClangSyntaxTest {

    private static String clang() {
        for (String name : List.of("clang-15", "clang-16", "clang-17", "clang-18", "clang")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    @Test
    void everySuiteKernelIsValidOpenCLC(@TempDir Path dir) throws Exception {
        String clang = clang();
        Assumptions.assumeTrue(clang != null, "clang is not installed: the OpenCL C syntax check is skipped");
        StringBuilder failures = new StringBuilder();
        for (SuiteCase c : KernelSuite.all()) {
            Kernel k = SuiteSupport.compile(c, false);
            Path file = dir.resolve(c.name() + ".cl");
            Files.writeString(file, OpenCLEmitter.emit(k, DeviceCapabilities.generic()));
            for (String std : List.of("CL1.2", "CL3.0")) {
                Process p = new ProcessBuilder(
                                clang,
                                "-x",
                                "cl",
                                "-cl-std=" + std,
                                "-target",
                                "spir64",
                                "-Xclang",
                                "-finclude-default-header",
                                "-fsyntax-only",
                                "-Werror",
                                "-Wno-unused-label",
                                file.toString())
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "clang did not finish on " + c.name());
                if (p.exitValue() != 0) {
                    failures.append(c.name())
                            .append(" (")
                            .append(std)
                            .append("):\n")
                            .append(out)
                            .append('\n');
                }
            }
        }
        assertEquals("", failures.toString());
    }
}
