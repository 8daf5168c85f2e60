package io.squall.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs a main class of the test class path in a new JVM, so a test can survive, and report, that JVM's crash. */
final class ForkedJvm {
    private ForkedJvm() {}

    /** Exit status and everything the JVM wrote (stdout and stderr). */
    record Result(int status, String output) {
        /** The value of the last {@code key=} line, or null. */
        String value(String key) {
            String found = null;
            for (String line : output.split("\n")) {
                if (line.startsWith(key + "=")) {
                    found = line.substring(key.length() + 1);
                }
            }
            return found;
        }

        boolean crashed() {
            return status != 0 || output.contains("A fatal error has been detected") || !output.contains("\ndone");
        }
    }

    static Result run(List<String> jvmFlags, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
                List.of("--enable-native-access=ALL-UNNAMED", "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("squall-fork", ".txt");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("forked JVM hung: " + String.join(" ", command) + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), "\n" + Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
