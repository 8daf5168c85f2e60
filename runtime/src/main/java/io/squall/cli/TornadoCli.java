package io.squall.cli;

import io.squall.plan.RuntimeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The {@code tornado} launcher: lists devices, or runs a user's main class with the Squall runtime on the class path
 * and the runtime's options set as system properties (see {@link RuntimeOptions}). Called by {@code scripts/tornado},
 * which passes {@code --exec-file}: the command is then written there (NUL-separated) for the script to {@code exec};
 * without it the program runs as a child process.
 */
@Command(
        name = "tornado",
        mixinStandardHelpOptions = true,
        versionProvider = TornadoCli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Runs a Java program written in the TornadoVM programming model on Squall: its task graphs are"
                + " JIT-compiled from bytecode to OpenCL C (PTX, SPIR-V) and run on the chosen device, or on the JVM.",
        footer = {
            "",
            "Examples:",
            "  tornado --devices",
            "  tornado io.squall.examples.VectorAdd",
            "  tornado --device jvm --profiler -cp app.jar com.example.Main arg1",
            "  tornado --printKernel --emit opencl --out kernels/ -cp target/classes com.example.Main",
            "Everything after the main class goes to the program."
        })
public final class TornadoCli implements Callable<Integer> {
    static final Pattern DEVICE_ID = Pattern.compile("jvm|(opencl|ptx|spirv):\\d+");
    static final List<String> EMITTERS = List.of("opencl", "ptx", "spirv");

    @Option(
            names = "--devices",
            description =
                    "List every backend and device (ids, type, memory, compute units, work-group size, extensions).")
    boolean devices;

    @Option(names = "--verbose", description = "With --devices: list every extension.")
    boolean verbose;

    @Option(
            names = "--device",
            paramLabel = "ID",
            description = "Default device for every task: jvm, opencl:N (ptx:N, spirv:N).")
    String device;

    @Option(names = "--printKernel", description = "Print the code generated for each task when it is compiled.")
    boolean printKernel;

    @Option(
            names = "--emit",
            paramLabel = "opencl|ptx|spirv",
            description =
                    "Also write the code generated for every task to DIR/<graph>.<task>.cl|.ptx|.spv (no such device needed).")
    String emit;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for --emit (default: the working directory).")
    Path out;

    @Option(names = "--target", paramLabel = "TARGET", description = "Target for --emit, e.g. sm_90 for PTX.")
    String target;

    @Option(
            names = "--profiler",
            arity = "0..1",
            paramLabel = "console|silent|json:FILE",
            parameterConsumer = ProfilerMode.class,
            description =
                    "Profile compile, kernel and transfer times: print them (console, the default), collect only (silent),"
                            + " or append one JSON object per execution to FILE.")
    String profiler;

    @Option(names = "--fastMath", description = "Compile with fast, relaxed math (default: precise, so devices agree).")
    boolean fastMath;

    @Option(
            names = "--fallback",
            description =
                    "When the chosen device cannot compile or run a task, run it on the JVM (reported on stderr).")
    boolean fallback;

    @Option(names = "--threadInfo", description = "Print each launch's device and work sizes.")
    boolean threadInfo;

    @Option(
            names = "--checked",
            description = "Checked mode: bounds-check every array access and check integer divisions; "
                    + "the first failure names the kernel, source line and index (slower).")
    boolean checked;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads of the JVM backend (default: available processors).")
    Integer threads;

    @Option(
            names = "--jvm",
            paramLabel = "FLAGS",
            description = "Extra flags for the program's JVM, e.g. --jvm \"-Xmx8g -ea\".")
    String jvmFlags;

    @Option(
            names = {"-cp", "--classpath", "--class-path"},
            paramLabel = "CP",
            description = "The program's class path (default: CLASSPATH, else .); the runtime is added after it.")
    String classPath;

    @Option(
            names = "--exec-file",
            hidden = true,
            description = "Used by scripts/tornado: write the command there instead of running it.")
    Path execFile;

    @Parameters(index = "0", arity = "0..1", paramLabel = "Main", description = "The program's main class.")
    String mainClass;

    @Parameters(index = "1..*", paramLabel = "args", description = "The program's arguments.")
    List<String> args = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] argv) {
        System.exit(commandLine().execute(argv));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TornadoCli()).setStopAtPositional(true);
        cl.setParameterExceptionHandler((e, argv) -> {
            e.getCommandLine().getErr().println("tornado: " + e.getMessage() + " (see tornado --help)");
            return 2;
        });
        return cl;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (devices) {
            DeviceListing.print(System.out, verbose);
            if (mainClass == null) {
                return 0;
            }
        }
        if (mainClass == null) {
            err.println("tornado: give a main class to run, or --devices (see --help)");
            return 2;
        }
        JavaCommand command = command();
        if (execFile != null) {
            Files.write(execFile, String.join("\0", command.toList()).getBytes(StandardCharsets.UTF_8));
            return 0;
        }
        Process process = new ProcessBuilder(command.toList()).inheritIO().start();
        return process.waitFor();
    }

    /** The java command for the options given; errors name the option. */
    JavaCommand command() {
        Map<String, String> properties = JavaCommand.newProperties();
        properties.put("squall.home", squallHome());
        if (device != null) {
            if (!DEVICE_ID.matcher(device).matches()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--device " + device
                                + ": expected jvm or BACKEND:N (opencl:0, ptx:0, spirv:0); see tornado --devices");
            }
            properties.put(RuntimeOptions.DEVICE, device);
        }
        if (printKernel) {
            properties.put(RuntimeOptions.PRINT_KERNEL, "true");
        }
        if (emit != null) {
            String backend = emit.toLowerCase(java.util.Locale.ROOT);
            if (!EMITTERS.contains(backend)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--emit " + emit + ": expected one of " + EMITTERS);
            }
            properties.put(RuntimeOptions.EMIT, backend);
            properties.put(
                    RuntimeOptions.EMIT_DIR,
                    (out != null ? out : Path.of(".")).toAbsolutePath().toString());
        } else if (out != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out needs --emit opencl|ptx|spirv");
        }
        if (target != null) {
            properties.put(RuntimeOptions.EMIT_TARGET, target);
        }
        if (profiler != null) {
            String p = profiler.trim();
            if (!(p.equals("console") || p.equals("silent") || (p.startsWith("json:") && p.length() > 5))) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--profiler " + profiler + ": expected console, silent or json:FILE");
            }
            if (p.startsWith("json:")) {
                p = "json:" + Path.of(p.substring(5)).toAbsolutePath();
            }
            properties.put(RuntimeOptions.PROFILER, p);
        }
        if (fastMath) {
            properties.put(RuntimeOptions.FAST_MATH, "true");
        }
        if (fallback) {
            properties.put(RuntimeOptions.FALLBACK, "jvm");
        }
        if (threadInfo) {
            properties.put(RuntimeOptions.THREAD_INFO, "true");
        }
        if (checked) {
            properties.put(RuntimeOptions.CHECKED, "true");
        }
        if (threads != null) {
            if (threads < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--threads " + threads + ": expected at least 1");
            }
            properties.put(RuntimeOptions.THREADS, threads.toString());
        }
        List<String> flags;
        try {
            flags = JavaCommand.splitFlags(jvmFlags);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String cp = JavaCommand.classPath(classPath, System.getProperty("java.class.path"));
        return new JavaCommand(JavaCommand.currentJava(), flags, properties, cp, mainClass, List.copyOf(args));
    }

    /** The repository root (scripts/tornado passes -Dsquall.home), for programs that look for bundled files. */
    private static String squallHome() {
        String home = System.getProperty("squall.home");
        return home != null ? home : Path.of(".").toAbsolutePath().normalize().toString();
    }

    /** Takes the next word as the profiler mode only when it is one ("--profiler Main" means console, then Main). */
    static final class ProfilerMode implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(
                java.util.Stack<String> args,
                CommandLine.Model.ArgSpec argSpec,
                CommandLine.Model.CommandSpec commandSpec) {
            String next = args.isEmpty() ? null : args.peek();
            boolean isMode =
                    next != null && (next.equals("console") || next.equals("silent") || next.startsWith("json:"));
            argSpec.setValue(isMode ? args.pop() : "console");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TornadoCli.class.getPackage().getImplementationVersion();
            return new String[] {
                "Squall tornado " + (version != null ? version : "0.1.0-SNAPSHOT"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ", "
                        + System.getProperty("java.home") + ")"
            };
        }
    }
}
