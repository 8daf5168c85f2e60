package io.squall.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code java} command line that runs a user's program with the Squall runtime on its class path. */
record JavaCommand(
        String java,
        List<String> jvmFlags,
        Map<String, String> properties,
        String classPath,
        String mainClass,
        List<String> args) {

    /** Flags every Squall program needs: the FFM drivers, the Vector API. */
    static final List<String> REQUIRED_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector");

    List<String> toList() {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(REQUIRED_FLAGS);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** The java launcher of the running JVM. */
    static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The user's class path (default: CLASSPATH, else the working directory) followed by the runtime's. */
    static String classPath(String user, String runtime) {
        String first = user != null ? user : System.getenv().getOrDefault("CLASSPATH", ".");
        if (first.isEmpty()) {
            return runtime;
        }
        return first + File.pathSeparator + runtime;
    }

    /** Splits "--jvm" flags on blanks; single or double quotes keep a flag with spaces together. */
    static List<String> splitFlags(String flags) {
        List<String> out = new ArrayList<>();
        if (flags == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : flags.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || !current.isEmpty()) {
                    out.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            } else {
                current.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("--jvm \"" + flags + "\": unbalanced quote");
        }
        if (any || !current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    static Map<String, String> newProperties() {
        return new LinkedHashMap<>();
    }
}
