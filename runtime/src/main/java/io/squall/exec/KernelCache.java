package io.squall.exec;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide cache of compiled kernels, so a task compiles once per device whatever the number of plans.
 * The JIT's kernel is keyed by method, argument signature (types and specialized scalar values) and compile options;
 * the device build additionally by the device id (which names the backend).
 */
public final class KernelCache {
    private KernelCache() {}

    private record JitKey(Method method, List<ArgSpec> args, CompileOptions options) {}

    /** {@code generation}: the device's {@link ComputeDevice#buildGeneration()} when it built the task. */
    private record BuildKey(JitKey jit, String deviceId, long generation) {}

    private static final ConcurrentHashMap<JitKey, Kernel> KERNELS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<BuildKey, CompiledTask> BUILDS = new ConcurrentHashMap<>();
    private static final AtomicLong JIT_COMPILES = new AtomicLong();
    private static final AtomicLong DEVICE_BUILDS = new AtomicLong();
    private static final AtomicLong BINARY_LOADS = new AtomicLong();
    private static final AtomicLong COMPILE_NANOS = new AtomicLong();
    private static final List<KernelBinaryProvider> BINARY_PROVIDERS = new CopyOnWriteArrayList<>();

    /** A JIT result and how long it took here (0 when it came from the cache). */
    public record Jit(Kernel kernel, long nanos) {}

    /** A device build and how long it took here (0 when it came from the cache). */
    public record Build(CompiledTask task, long nanos) {}

    public static Jit kernel(Method method, List<ArgSpec> args, CompileOptions options) {
        JitKey key = new JitKey(method, List.copyOf(args), options);
        Kernel cached = KERNELS.get(key);
        if (cached != null) {
            return new Jit(cached, 0);
        }
        synchronized (KERNELS) {
            cached = KERNELS.get(key);
            if (cached != null) {
                return new Jit(cached, 0);
            }
            long start = System.nanoTime();
            Kernel k = JitCompiler.compile(method, args, options);
            long nanos = System.nanoTime() - start;
            COMPILE_NANOS.addAndGet(nanos);
            KERNELS.put(key, k);
            JIT_COMPILES.incrementAndGet();
            return new Jit(k, nanos);
        }
    }

    public static Build build(
            Method method, List<ArgSpec> args, CompileOptions options, Kernel kernel, ComputeDevice device) {
        return build(null, method, args, options, kernel, device);
    }

    /**
     * The device build of task {@code graphDotTask}: a precompiled binary from a {@link KernelBinaryProvider} when one has it
     * (for kernels with specialized scalars only when it records the source it was built from), else compiled from source.
     */
    public static Build build(
            String graphDotTask,
            Method method,
            List<ArgSpec> args,
            CompileOptions options,
            Kernel kernel,
            ComputeDevice device) {
        BuildKey key =
                new BuildKey(new JitKey(method, List.copyOf(args), options), device.id(), device.buildGeneration());
        CompiledTask cached = BUILDS.get(key);
        if (cached != null) {
            return new Build(cached, 0);
        }
        synchronized (BUILDS) {
            cached = BUILDS.get(key);
            if (cached != null) {
                return new Build(cached, 0);
            }
            long start = System.nanoTime();
            CompiledTask t = graphDotTask == null ? null : fromBinary(graphDotTask, args, options, kernel, device);
            if (t == null) {
                t = device.build(kernel, options);
                DEVICE_BUILDS.incrementAndGet();
            } else {
                BINARY_LOADS.incrementAndGet();
            }
            long nanos = System.nanoTime() - start;
            COMPILE_NANOS.addAndGet(nanos);
            // Builds of the device's earlier generations are dead (their context closed): drop them.
            BUILDS.keySet().removeIf(k -> k.deviceId().equals(key.deviceId()) && k.generation() != key.generation());
            BUILDS.put(key, t);
            return new Build(t, nanos);
        }
    }

    private static CompiledTask fromBinary(
            String task, List<ArgSpec> args, CompileOptions options, Kernel kernel, ComputeDevice device) {
        boolean specialized = args.stream().anyMatch(a -> a.specializedValue() != null);
        boolean checked = kernel.errorBuffer() != null; // binaries are built without the checks' error buffer
        for (KernelBinaryProvider p : BINARY_PROVIDERS) {
            KernelBinaryProvider.Binary b = checked ? null : p.find(device, task, kernel);
            if (b != null && sourceMatches(task, kernel, b, specialized)) {
                return device.loadBinary(kernel, b.bytes(), b.origin(), options);
            }
            if (!p.jitAllowed(device)) {
                throw new TornadoRuntimeException(
                        "task " + task + " (kernel " + kernel.entryName() + "): " + device.id() + " ("
                                + device.properties().name() + ") does not compile kernels (JIT disabled in "
                                + p.describe(device) + ") and "
                                + (checked
                                        ? "binaries cannot serve checked mode (withBoundsChecks / -Dsquall.checked)"
                                        : "there is no binary for this task")
                                + "; build one with AotBuild from `tornado --emit opencl` output");
            }
        }
        return null;
    }

    /**
     * Whether binary {@code b} may serve {@code kernel}. A kernel with specialized scalars (their values are in its code)
     * needs the binary's recorded source to be the OpenCL C it compiles to now (as {@code --emit opencl} writes it); a
     * different one is an error: another model's formats, another specialization, another Squall version.
     */
    private static boolean sourceMatches(
            String task, Kernel kernel, KernelBinaryProvider.Binary b, boolean specialized) {
        if (!specialized) {
            // found by task name, as before: its signature is the task's whatever device emitted it (e.g. emitted on
            // the
            // jvm without a CPU device's access guards)
            return true;
        }
        if (b.sourceSha256() == null) {
            return false;
        }
        String now =
                sha256(OpenCLEmitter.emit(kernel, DeviceCapabilities.generic()).getBytes(StandardCharsets.UTF_8));
        if (!now.equals(b.sourceSha256())) {
            throw new TornadoRuntimeException("task " + task + " (kernel " + kernel.entryName() + "): kernel binary "
                    + b.origin()
                    + " was built from other OpenCL C than the task compiles to now (source SHA-256 " + b.sourceSha256()
                    + ", now " + now
                    + "): another model, specialization or Squall version; rebuild it with AotBuild from"
                    + " `tornado --emit opencl` output");
        }
        return true;
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Whether a registered provider forbids compiling for {@code device}: its tasks must come from binaries, which serve
     * a kernel with specialized scalars only when built from its exact source (so a plan meant to run any model's
     * binaries does not specialize).
     */
    public static boolean jitDisabled(ComputeDevice device) {
        return BINARY_PROVIDERS.stream().anyMatch(p -> !p.jitAllowed(device));
    }

    /** Adds a source of precompiled binaries, consulted before compiling (latest registered last). */
    public static void register(KernelBinaryProvider provider) {
        BINARY_PROVIDERS.add(provider);
        BUILDS.clear(); // kernels compiled before must not hide the binaries
    }

    /** Removes a provider and forgets the builds made so far, so later plans compile or load again. */
    public static void unregister(KernelBinaryProvider provider) {
        if (BINARY_PROVIDERS.remove(provider)) {
            BUILDS.clear();
        }
    }

    /**
     * Forgets every kernel and build, so that the next plans compile again (for tests that count what a step compiles;
     * plans keep the kernels they prepared).
     */
    public static void clear() {
        synchronized (KERNELS) {
            KERNELS.clear();
        }
        synchronized (BUILDS) {
            BUILDS.clear();
        }
    }

    /** Total time spent in this process compiling (JIT and device builds, binary loads included), in nanoseconds. */
    public static long compileNanos() {
        return COMPILE_NANOS.get();
    }

    /** Kernels loaded from precompiled binaries (not compiled) in this process. */
    public static long binaryLoads() {
        return BINARY_LOADS.get();
    }

    /** JIT compilations (bytecode to kernel) done in this process. */
    public static long jitCompilations() {
        return JIT_COMPILES.get();
    }

    /** Device builds from source (kernel to device program) done in this process; binary loads are not counted. */
    public static long deviceBuilds() {
        return DEVICE_BUILDS.get();
    }
}
