package io.squall.backend.opencl.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Process environment a driver reads when it is loaded, set through libc before the ICD loader is opened.
 *
 * <p>PoCL installs its own SIGFPE handler unless {@code POCL_SIGFPE_HANDLER=0}; that handler replaces HotSpot's, and
 * Java's {@code 10 / 0} then returns a value instead of throwing ArithmeticException, everywhere in the process. Kernels
 * never need it: the JIT guards every integer division (see {@code io.squall.jit.passes.SafeArithmetic}). A value the
 * user set is kept. The variable is set in libc's environment because PoCL reads it with getenv, and
 * {@link System#getenv} is a copy taken at JVM start.
 *
 * <p>SIGSEGV cannot be handled that way: PoCL and Mesa compile kernels in-process with LLVM, which installs its own
 * SIGSEGV handler (one-shot, {@code SA_RESETHAND}) in front of HotSpot's, and HotSpot takes SIGSEGV in normal operation
 * (implicit null checks, safepoint polls). Two Java threads faulting at once while LLVM's handler is in front kill the
 * JVM without an error report (seen in MatMatTest on PoCL). HotSpot's signal chaining ({@code libjsig}, preloaded)
 * keeps the JVM's handler first: Squall's scripts and tests preload it, and {@link #prepare} warns a process that
 * does not.
 */
public final class DriverEnvironment {
    static final String POCL_SIGFPE_HANDLER = "POCL_SIGFPE_HANDLER";

    private static volatile boolean prepared;

    private DriverEnvironment() {}

    /** Sets the drivers' variables (once per process); never throws: without libc's setenv it does nothing. */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        try {
            if (getenv(POCL_SIGFPE_HANDLER) == null) {
                setenv(POCL_SIGFPE_HANDLER, "0");
            }
        } catch (RuntimeException | LinkageError e) {
            // No libc symbols (not Linux/glibc): the driver's default stays, and is reported nowhere else.
            System.err.println("squall: could not set " + POCL_SIGFPE_HANDLER + "=0 before loading OpenCL (" + e + ")");
        }
        String missing = missingSignalChaining(Path.of("/proc/self/maps"), Path.of(System.getProperty("java.home")));
        if (missing != null) {
            System.err.println("squall: " + missing);
        }
    }

    /**
     * Why this JVM is exposed to the OpenCL drivers' signal handlers, or null when it is not: HotSpot's libjsig is
     * preloaded (it appears in {@code maps}), or this is not a Linux JVM that ships libjsig.
     */
    static String missingSignalChaining(Path maps, Path javaHome) {
        Path jsig = javaHome.resolve("lib").resolve("libjsig.so");
        if (!Files.isReadable(maps) || !Files.exists(jsig)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(maps)) {
            if (lines.anyMatch(line -> line.endsWith("/libjsig.so"))) {
                return null;
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return "the JVM runs without signal chaining: an OpenCL driver that compiles with LLVM in-process (PoCL, Mesa)"
                + " can then crash it; start java with LD_PRELOAD=" + jsig + " (scripts/llama, scripts/tornado and the"
                + " tests do)";
    }

    /** libc's getenv (the live environment, not the JVM's copy); null when unset. */
    static String getenv(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = (MemorySegment) Libc.GETENV.invokeExact(arena.allocateFrom(name));
            return value.equals(MemorySegment.NULL)
                    ? null
                    : value.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void setenv(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) Libc.SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + ") returned " + rc);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle GETENV = LINKER.downcallHandle(
                LINKER.defaultLookup().find("getenv").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle SETENV = LINKER.downcallHandle(
                LINKER.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
}
