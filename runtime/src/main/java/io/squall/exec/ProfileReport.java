package io.squall.exec;

import io.squall.api.TornadoProfilerResult;
import io.squall.api.enums.ProfilerMode;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.RuntimeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Reports an execution's profile: appended as a JSON line for {@code -Dsquall.profiler=json:file}, printed in CONSOLE mode. */
final class ProfileReport {
    private ProfileReport() {}

    static void report(ExecutionProfile profile, ProfilerMode mode) {
        String prop = RuntimeOptions.profiler();
        TornadoProfilerResult result = new TornadoProfilerResult(profile);
        if (prop != null && prop.toLowerCase(Locale.ROOT).startsWith("json:")) {
            Path file = Path.of(prop.substring(5));
            synchronized (ProfileReport.class) { // plans on several threads append whole lines
                try {
                    Files.writeString(
                            file, result.toJson() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write the profile to " + file + " (-D" + RuntimeOptions.PROFILER + ")", e);
                }
            }
        }
        if (mode == ProfilerMode.CONSOLE) {
            System.out.println(result);
        }
    }
}
