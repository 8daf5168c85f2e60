package io.squall.exec;

import io.squall.api.KernelContext;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.jit.ReceiverFields;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.jit.frontend.KernelFrontend;
import io.squall.plan.GraphSpec;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A task of a plan bound to its Java method and its arguments (captured ones first), checked against the method's
 * parameters once, and what it was prepared as on each device (keyed by {@link PlanSettings#preparedKey}).
 */
final class BoundTask {
    /** "graph.task", as in grids, per-task devices and profiles. */
    final String name;

    final Method method;
    final Object[] args;
    final boolean usesKernelContext;
    /** The host objects of the kernel's {@code new AtomicInteger(v)} counters (see Kernel.Counter), per counter. */
    final Map<io.squall.jit.Kernel.Counter, java.util.concurrent.atomic.AtomicInteger> counters =
            new java.util.IdentityHashMap<>();

    final Map<String, PreparedTask> prepared = new HashMap<>();

    BoundTask(GraphSpec graph, GraphSpec.TaskSpec spec) {
        this.name = graph.name() + "." + spec.id();
        if (spec.function() instanceof GraphSpec.LibraryCall call) {
            throw new TornadoRuntimeException("task " + name + " calls function '"
                    + call.descriptor().getFunctionName() + "' of native library '"
                    + call.descriptor().getLibraryName()
                    + "' (TaskGraph.libraryTask), and Squall has no provider for native libraries: write the task as"
                    + " a Java kernel");
        }
        ResolvedTask resolved;
        try {
            resolved = TaskResolver.resolve(spec.function());
        } catch (RuntimeException e) {
            throw new TornadoRuntimeException("task " + name + ": " + e.getMessage(), e);
        }
        this.method = resolved.method();
        Object[] captured = resolved.capturedArgs() == null ? new Object[0] : resolved.capturedArgs();
        Object[] all = Arrays.copyOf(captured, captured.length + spec.args().length);
        System.arraycopy(spec.args(), 0, all, captured.length, spec.args().length);
        this.args = all;
        Class<?>[] types = ReceiverFields.argumentTypes(method); // an instance method's receiver first
        String javaName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        if (types.length != args.length) {
            throw new TornadoRuntimeException("task " + name + ": " + javaName + " takes " + types.length
                    + " arguments" + (types.length != method.getParameterCount() ? " (its receiver first)" : "")
                    + ", task(...) gave " + args.length);
        }
        boolean kc = false;
        for (int i = 0; i < types.length; i++) {
            Class<?> want = types[i].isPrimitive() ? box(types[i]) : types[i];
            if (args[i] == null) {
                throw new TornadoRuntimeException("task " + name + ": argument " + i + " of " + javaName + " is null");
            }
            if (!want.isInstance(args[i])) {
                throw new TornadoRuntimeException(
                        "task " + name + ": argument " + i + " of " + javaName + " is a " + types[i].getTypeName()
                                + ", task(...) gave a " + args[i].getClass().getTypeName());
            }
            if (args[i] instanceof boolean[]) {
                throw new TornadoRuntimeException("task " + name + ": argument " + i + " of " + javaName
                        + " is a boolean[]; kernels take byte[] or ByteArray instead");
            }
            kc |= args[i] instanceof KernelContext;
        }
        // a kernel with @Parallel loops that takes a KernelContext only for its atomics runs as a loop kernel
        this.usesKernelContext = kc && !KernelFrontend.hasParallelLoops(method);
    }

    private static Class<?> box(Class<?> primitive) {
        return MethodType.methodType(primitive).wrap().returnType();
    }
}
