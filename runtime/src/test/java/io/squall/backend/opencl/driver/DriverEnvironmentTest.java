package io.squall.backend.opencl.driver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverEnvironmentTest {
    @TempDir
    Path dir;

    private Path javaHomeWithJsig() throws IOException {
        Path home = dir.resolve("jdk");
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/libjsig.so"), "");
        return home;
    }

    private Path maps(String... libraries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String library : libraries) {
            text.append("7f9f99a00000-7f9f99a02000 r-xp 00000000 08:01 1234 ")
                    .append(library)
                    .append('\n');
        }
        return Files.writeString(dir.resolve("maps"), text);
    }

    @Test
    void warnsWhenTheJvmHasNoSignalChaining() throws IOException {
        Path home = javaHomeWithJsig();
        String why = DriverEnvironment.missingSignalChaining(maps("/usr/lib/x86_64-linux-gnu/libc.so.6"), home);
        assertNotNull(why);
        assertTrue(why.contains("LD_PRELOAD=" + home.resolve("lib/libjsig.so")), why);
    }

    @Test
    void quietWhenLibjsigIsPreloaded() throws IOException {
        Path home = javaHomeWithJsig();
        assertNull(DriverEnvironment.missingSignalChaining(
                maps(
                        "/usr/lib/x86_64-linux-gnu/libc.so.6",
                        home.resolve("lib/libjsig.so").toString()),
                home));
    }

    @Test
    void quietWhereThereIsNoLibjsigOrNoMaps() throws IOException {
        assertNull(DriverEnvironment.missingSignalChaining(maps("/lib/libc.so.6"), dir.resolve("no-jdk")));
        assertNull(DriverEnvironment.missingSignalChaining(dir.resolve("no-maps"), javaHomeWithJsig()));
    }

    @Test
    void thisTestJvmRunsWithSignalChaining() {
        // The build preloads libjsig for the tests (pom.xml, surefire's environmentVariables): checked, not assumed.
        assertNull(DriverEnvironment.missingSignalChaining(
                Path.of("/proc/self/maps"), Path.of(System.getProperty("java.home"))));
    }
}
