package io.squall.plan;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The system properties the runtime reads (the {@code tornado} launcher sets them from its flags).
 * Every property is optional; the values are read when a plan is built or executed, so a program
 * may also set them with {@link System#setProperty} before creating its plans.
 *
 * <table>
 * <caption>Properties</caption>
 * <tr><th>Property</th><th>Meaning</th></tr>
 * <tr><td>{@value #DEVICE}</td><td>default device id for every task ({@code opencl:N}, {@code jvm}, later {@code ptx:N}, {@code spirv:N}).
 *     Unset: the first OpenCL GPU, else the first OpenCL device, else {@code jvm}.</td></tr>
 * <tr><td>{@code <graph>.<task>.device}</td><td>device id for one task, e.g. {@code -Ds0.t0.device=jvm}; wins over {@value #DEVICE}
 *     and over {@code TornadoExecutionPlan.withDevice(device)}, loses to {@code withDevice("graph.task", device)}.</td></tr>
 * <tr><td>{@value #FALLBACK}</td><td>{@code jvm}: when the chosen device cannot compile or run a task, run that task on the JVM and
 *     say so on stderr. Unset: such a task fails with the device's error. Fallback is never silent nor implicit.</td></tr>
 * <tr><td>{@value #PRINT_KERNEL}</td><td>{@code true}: print the generated code of each task when it is compiled.</td></tr>
 * <tr><td>{@value #PROFILER}</td><td>{@code console}: print the profile after each execution; {@code silent}: collect only;
 *     {@code json:<file>}: append each execution's profile to {@code <file>} as one JSON object per line
 *     (format in {@code TornadoProfilerResult}).</td></tr>
 * <tr><td>{@value #EMIT}</td><td>{@code opencl} (later {@code ptx}, {@code spirv}): write the code generated for every task compiled
 *     by the program to {@value #EMIT_DIR}/{@code <graph>.<task>.cl|.ptx|.spv}, whichever device runs it (no device is needed).</td></tr>
 * <tr><td>{@value #EMIT_DIR}</td><td>directory for {@value #EMIT} (created if missing; default the working directory).</td></tr>
 * <tr><td>{@value #EMIT_TARGET}</td><td>backend-specific target for emission, e.g. {@code sm_90} for PTX (optional).</td></tr>
 * <tr><td>{@value #FAST_MATH}</td><td>{@code true}: compile with fast, relaxed math (default: precise, so devices agree).</td></tr>
 * <tr><td>{@value #THREAD_INFO}</td><td>{@code true}: print each launch's device, global and local work sizes.</td></tr>
 * <tr><td>{@value #CHECKED}</td><td>{@code true}: checked mode for every plan (bounds and division checks that report the kernel,
 *     source line and index; see {@code TornadoExecutionPlan.withBoundsChecks()}).</td></tr>
 * <tr><td>{@value #THREADS}</td><td>number of threads of the JVM backend (default: available processors).</td></tr>
 * </table>
 */
public final class RuntimeOptions {
    private RuntimeOptions() {}

    public static final String DEVICE = "squall.device";
    /** Suffix of the per-task device property: {@code <graph>.<task>.device}. */
    public static final String TASK_DEVICE_SUFFIX = ".device";

    public static final String FALLBACK = "squall.fallback";
    public static final String PRINT_KERNEL = "squall.printKernel";
    public static final String PROFILER = "squall.profiler";
    public static final String EMIT = "squall.emit";
    public static final String EMIT_DIR = "squall.emit.dir";
    public static final String EMIT_TARGET = "squall.emit.target";
    public static final String FAST_MATH = "squall.fastMath";
    public static final String THREAD_INFO = "squall.threadInfo";
    public static final String THREADS = "squall.threads";
    public static final String CHECKED = "squall.checked";

    /** The device id named for {@code graph.task}, or null. */
    public static String taskDevice(String graphDotTask) {
        return blankToNull(System.getProperty(graphDotTask + TASK_DEVICE_SUFFIX));
    }

    public static String defaultDevice() {
        return blankToNull(System.getProperty(DEVICE));
    }

    /** True when {@value #FALLBACK}{@code =jvm}; any other non-empty value is an error. */
    public static boolean fallbackToJvm() {
        String v = blankToNull(System.getProperty(FALLBACK));
        if (v == null) {
            return false;
        }
        if (v.equalsIgnoreCase("jvm")) {
            return true;
        }
        if (v.equalsIgnoreCase("none") || v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + FALLBACK + "=" + v + ": the only fallback is 'jvm' (or 'none')");
    }

    public static boolean printKernel() {
        return flag(PRINT_KERNEL);
    }

    public static boolean fastMath() {
        return flag(FAST_MATH);
    }

    public static boolean checked() {
        return flag(CHECKED);
    }

    public static boolean threadInfo() {
        return flag(THREAD_INFO);
    }

    /** The raw {@value #PROFILER} value, or null. */
    public static String profiler() {
        return blankToNull(System.getProperty(PROFILER));
    }

    /** The emitter name from {@value #EMIT}, lower case, or null. */
    public static String emit() {
        String v = blankToNull(System.getProperty(EMIT));
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    public static Path emitDir() {
        String v = blankToNull(System.getProperty(EMIT_DIR));
        return Path.of(v == null ? "." : v);
    }

    public static String emitTarget() {
        return blankToNull(System.getProperty(EMIT_TARGET));
    }

    public static int jvmThreads() {
        String v = blankToNull(System.getProperty(THREADS));
        if (v == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + THREADS + "=" + v + ": expected a positive thread count");
        }
    }

    private static boolean flag(String name) {
        String v = blankToNull(System.getProperty(name));
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("-D" + name + "=" + v + ": expected true or false");
        };
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}
