package io.squall.exec;

import io.squall.exec.device.CompiledTask;
import io.squall.exec.device.ComputeDevice;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.JitCompiler;
import io.squall.jit.Kernel;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide cache of compiled kernels, so a task compiles once per device whatever the number of plans.
 * The JIT's kernel is keyed by method, argument signature (types and specialized scalar values) and compile options;
 * the device build additionally by the device id (which names the backend).
 */
public final class KernelCache {
    private KernelCache() {
    }

    private record JitKey(Method method, List<ArgSpec> args, CompileOptions options) {
    }

    private record BuildKey(JitKey jit, String deviceId) {
    }

    private static final ConcurrentHashMap<JitKey, Kernel> KERNELS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<BuildKey, CompiledTask> BUILDS = new ConcurrentHashMap<>();
    private static final AtomicLong JIT_COMPILES = new AtomicLong();
    private static final AtomicLong DEVICE_BUILDS = new AtomicLong();

    /** A JIT result and how long it took here (0 when it came from the cache). */
    public record Jit(Kernel kernel, long nanos) {
    }

    /** A device build and how long it took here (0 when it came from the cache). */
    public record Build(CompiledTask task, long nanos) {
    }

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
            KERNELS.put(key, k);
            JIT_COMPILES.incrementAndGet();
            return new Jit(k, nanos);
        }
    }

    public static Build build(Method method, List<ArgSpec> args, CompileOptions options, Kernel kernel, ComputeDevice device) {
        BuildKey key = new BuildKey(new JitKey(method, List.copyOf(args), options), device.id());
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
            CompiledTask t = device.build(kernel, options);
            long nanos = System.nanoTime() - start;
            BUILDS.put(key, t);
            DEVICE_BUILDS.incrementAndGet();
            return new Build(t, nanos);
        }
    }

    /** JIT compilations (bytecode to kernel) done in this process. */
    public static long jitCompilations() {
        return JIT_COMPILES.get();
    }

    /** Device builds (kernel to device program) done in this process. */
    public static long deviceBuilds() {
        return DEVICE_BUILDS.get();
    }

    /** Forgets the builds for one device (after its context was closed). */
    public static void forgetDevice(String deviceId) {
        BUILDS.keySet().removeIf(k -> k.deviceId().equals(deviceId));
    }
}
