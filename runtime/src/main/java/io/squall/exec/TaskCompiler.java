package io.squall.exec;

import io.squall.api.annotations.Dynamic;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.CodeEmitter;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.RuntimeOptions;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prepares a task for a device through the {@link KernelCache}: the JIT's kernel, the device's build of it, and, when
 * either fails and {@code -Dsquall.fallback=jvm} allows it, the fall back to running the Java method on the JVM.
 * Each task is prepared once per {@link PlanSettings#preparedKey}.
 */
final class TaskCompiler {
    private final PlanSettings settings;
    /** Writes each kernel's code for {@code -Dsquall.emit}, or null. */
    private final CodeEmission emission;

    TaskCompiler(PlanSettings settings, CodeEmitter emitter) {
        this.settings = settings;
        this.emission = emitter == null ? null : new CodeEmission(emitter);
    }

    PreparedTask prepare(BoundTask task, ComputeDevice device, ExecutionProfile profile) {
        String key = settings.preparedKey(device);
        PreparedTask p = task.prepared.get(key);
        if (p != null) {
            return p;
        }
        ExecutionProfile.TaskRecord tp = profile.task(task.name);
        CompileOptions options = settings.compileOptions(device);
        List<ArgSpec> specs = argSpecs(task, settings.specializeScalars, true);
        Kernel kernel = null;
        boolean needKernel = device.compilesKernels() || emission != null;
        try {
            if (needKernel) {
                KernelCache.Jit jit;
                try {
                    jit = KernelCache.kernel(task.method, specs, options);
                } catch (KernelCompilationException e) {
                    if (settings.specializeScalars || !e.construct().contains("constant")) {
                        throw e;
                    }
                    // e.g. a local array sized by a scalar argument (TornadoVM folds those): compile this task with its
                    // scalars as constants; a new value compiles a new kernel
                    specs = argSpecs(task, true, false);
                    jit = KernelCache.kernel(task.method, specs, options);
                }
                kernel = jit.kernel();
                tp.jitNanos += jit.nanos();
                tp.compiled |= jit.nanos() > 0;
                if (emission != null) {
                    emission.emit(task.name, kernel, options);
                }
            }
            CompiledTask compiled = null;
            if (device.compilesKernels()) {
                KernelCache.Build build = KernelCache.build(task.name, task.method, specs, options, kernel, device);
                compiled = build.task();
                tp.buildNanos += build.nanos();
                tp.compiled |= build.nanos() > 0;
            }
            p = new PreparedTask(device, kernel, compiled, false);
            if (settings.printKernel) {
                System.out.println("// squall: task " + task.name + " on " + device.id() + "\n"
                        + (compiled != null ? compiled.printableCode() : "// runs as Java bytecode on " + device.id()));
            }
        } catch (RuntimeException e) {
            if (!device.compilesKernels()) {
                throw new TornadoRuntimeException(
                        "task " + task.name + ": generating " + emission.emitterName() + " code for "
                                + RuntimeOptions.EMIT + " failed: " + e.getMessage(),
                        e);
            }
            if (!RuntimeOptions.fallbackToJvm()) {
                throw new TornadoRuntimeException(
                        "task " + task.name + " cannot be compiled for " + device.id() + " ("
                                + device.properties().name() + "): " + e.getMessage()
                                + "\n(-D" + RuntimeOptions.FALLBACK + "=jvm runs such tasks on the JVM instead)",
                        e);
            }
            p = fallBack(task, device, kernel, e);
        }
        task.prepared.put(key, p);
        return p;
    }

    /**
     * After {@code failure} on {@code device}: says so on stderr and from now on runs the task on the JVM (the caller
     * has checked that {@code -Dsquall.fallback=jvm} allows it).
     */
    PreparedTask fallBack(BoundTask task, ComputeDevice device, Kernel kernel, Throwable failure) {
        String reason = String.valueOf(failure.getMessage());
        int nl = reason.indexOf('\n');
        System.err.println("squall: task " + task.name + " cannot run on " + device.id() + " ("
                + (nl < 0 ? reason : reason.substring(0, nl)) + "); running it on the JVM (-D" + RuntimeOptions.FALLBACK
                + "=jvm)");
        PreparedTask onJvm = new PreparedTask(Devices.jvm(), kernel, null, true);
        task.prepared.put(settings.preparedKey(device), onJvm);
        return onJvm;
    }

    /**
     * The JIT's view of the arguments: their runtime classes (boxed for scalars), scalar values when specializing
     * (except the parameters marked {@link Dynamic} when {@code keepDynamic}).
     */
    private static List<ArgSpec> argSpecs(BoundTask task, boolean specializeScalars, boolean keepDynamic) {
        Class<?>[] types = io.squall.jit.ReceiverFields.argumentTypes(task.method);
        Annotation[][] annotations = task.method.getParameterAnnotations();
        int receivers = types.length - annotations.length; // an instance method's receiver comes first
        List<ArgSpec> specs = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            boolean scalar = types[i].isPrimitive();
            boolean dynamic = keepDynamic
                    && i >= receivers
                    && Arrays.stream(annotations[i - receivers]).anyMatch(a -> a instanceof Dynamic);
            specs.add(new ArgSpec(
                    task.args[i].getClass(), scalar && specializeScalars && !dynamic ? task.args[i] : null));
        }
        return specs;
    }
}
