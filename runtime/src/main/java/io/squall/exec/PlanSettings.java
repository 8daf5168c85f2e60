package io.squall.exec;

import io.squall.api.enums.ProfilerMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.backend.ComputeDevice;
import io.squall.jit.CompileOptions;
import io.squall.plan.RuntimeOptions;

import java.util.Locale;

/**
 * What a plan was asked to do (its {@code with...} calls, defaulting to the {@code -Dsquall.*} properties), and the
 * compile options and cache key that follow from it for one device.
 */
final class PlanSettings {
    ProfilerMode profilerMode;
    int warmUpIterations;
    boolean printKernel = RuntimeOptions.printKernel();
    boolean threadInfo = RuntimeOptions.threadInfo();
    boolean fastMath = RuntimeOptions.fastMath();
    boolean specializeScalars;
    boolean checked = RuntimeOptions.checked();
    /** CPU devices guard every access unless the plan vouches for its kernels. */
    boolean accessGuards = true;

    PlanSettings() {
        String profiler = RuntimeOptions.profiler();
        if (profiler != null) {
            profilerMode = profilerMode(profiler);
        }
    }

    /** The mode {@code -Dsquall.profiler} asks for: CONSOLE, SILENT, or null for json:file (written whatever the mode). */
    static ProfilerMode profilerMode(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("console")) {
            return ProfilerMode.CONSOLE;
        } else if (v.equals("silent")) {
            return ProfilerMode.SILENT;
        } else if (!v.startsWith("json:") || value.length() <= 5) {
            throw new IllegalArgumentException(
                    "-D" + RuntimeOptions.PROFILER + "=" + value + ": expected console, silent or json:<file>");
        }
        return null;
    }

    /**
     * Checked mode reports bad accesses everywhere; otherwise CPU devices guard them, since a kernel's stray write there
     * lands in the JVM's own memory; GPUs run accesses as written.
     */
    CompileOptions compileOptions(ComputeDevice device) {
        CompileOptions.AccessChecks checks = checked
                ? CompileOptions.AccessChecks.REPORT
                : device.type() == TornadoDeviceType.CPU && accessGuards
                        ? CompileOptions.AccessChecks.GUARD
                        : CompileOptions.AccessChecks.NONE;
        return new CompileOptions(fastMath, specializeScalars, checks);
    }

    /** A task prepared under one key is reused under the same key: the device and every setting that changes the code. */
    String preparedKey(ComputeDevice device) {
        return device.id()
                + (fastMath ? "+fast" : "")
                + (specializeScalars ? "+spec" : "")
                + (checked ? "+checked" : "")
                + (accessGuards ? "" : "+unguarded");
    }
}
