package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Reduce;
import io.squall.jit.ReceiverFields;
import io.squall.jit.frontend.KernelFrontend;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;

/**
 * The JVM backend: runs a task's Java method itself, in parallel, with TornadoVM's semantics.
 *
 * <ul>
 * <li>Loop-parallel kernels: the outermost {@code @Parallel} loop is split over {@code threads} workers
 *     (see {@link ParallelLoopTransformer}). Kernels with a {@code @Reduce} parameter, without a splittable loop, or
 *     with several top-level parallel loops run sequentially, which is correct by construction; {@link #strategy}
 *     says which and why.</li>
 * <li>KernelContext kernels run work-group by work-group (groups spread over the workers). Each work-item sees its
 *     own ids; local arrays are shared per group. When the kernel (or a static method it calls) uses a barrier, the
 *     items of a group run as virtual threads meeting at the barrier; otherwise as a loop.</li>
 * </ul>
 * Failures are reported as {@link JvmKernelException} naming the kernel (and the work-item).
 */
public final class JvmKernelRunner {

    private sealed interface Plan {
        String describe();
    }

    private record SequentialPlan(MethodHandle invoker, String reason) implements Plan {
        public String describe() {
            return "sequential: " + reason;
        }
    }

    private record LoopPlan(MethodHandle invoker, String description) implements Plan {
        public String describe() {
            return "parallel: " + description;
        }
    }

    /** itemLoop: the work-item loop with the kernel inlined (no barriers only; null when it could not be made). */
    private record ContextPlan(MethodHandle invoker, MethodHandle itemLoop, int[] contextArgs, boolean barriers)
            implements Plan {
        public String describe() {
            return "work-groups: "
                    + (barriers
                            ? "work-items as virtual threads meeting at barriers"
                            : itemLoop != null
                                    ? "work-items as a loop with the kernel inlined"
                                    : "work-items as a loop");
        }
    }

    /** The largest work-group (work-items per group) a KernelContext launch may use on the JVM backend. */
    public static final long MAX_WORK_GROUP_SIZE = 1 << 16;

    private static final Map<Method, Plan> PLANS = new ConcurrentHashMap<>();
    private static volatile ForkJoinPool pool;

    private JvmKernelRunner() {}

    /**
     * Runs a task's Java method on the JVM, in parallel; an instance method's receiver is {@code args[0]}. gridGlobal/gridLocal: the launch for KernelContext kernels
     * (null for @Parallel / plain kernels; gridLocal null lets the backend pick). The KernelContext argument in args
     * (if any) is replaced per work-item.
     */
    public static void run(Method method, Object[] args, long[] gridGlobal, long[] gridLocal, int threads) {
        String kernel = kernelName(method);
        checkArguments(kernel, method, args);
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Plan plan = PLANS.computeIfAbsent(method, JvmKernelRunner::plan);
        switch (plan) {
            case SequentialPlan p -> invoke(kernel, p.invoker(), args.clone());
            case LoopPlan p -> runLoop(kernel, p.invoker(), args, workers);
            case ContextPlan p
            when gridGlobal == null && KernelFrontend.hasParallelLoops(method) ->
                invoke(
                        kernel,
                        p.invoker(),
                        args.clone()); // @Parallel loops using the context for atomics only: in order
            case ContextPlan p -> {
                if (gridGlobal == null) {
                    throw new IllegalArgumentException(
                            "kernel " + kernel + " takes a KernelContext, so it needs a launch grid:"
                                    + " give its task a WorkerGrid through a GridScheduler (\"graph.task\")");
                }
                WorkGroupLauncher.run(
                        kernel,
                        p.invoker(),
                        p.itemLoop(),
                        args,
                        p.contextArgs(),
                        gridGlobal,
                        gridLocal,
                        p.barriers(),
                        workers,
                        pool());
            }
        }
    }

    /** How the JVM backend runs this method, e.g. "parallel: blocked split of ..." or "sequential: @Reduce parameter". */
    public static String strategy(Method method) {
        return PLANS.computeIfAbsent(method, JvmKernelRunner::plan).describe();
    }

    static String kernelName(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    private static Plan plan(Method method) {
        MethodHandle invoker = spreadInvoker(method);
        Class<?>[] types = ReceiverFields.argumentTypes(method);
        List<Integer> contexts = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (KernelContext.class.isAssignableFrom(types[i])) {
                contexts.add(i);
            }
        }
        if (!contexts.isEmpty()) {
            boolean barriers = BarrierScanner.usesBarriers(method);
            return new ContextPlan(
                    invoker,
                    barriers ? null : WorkGroupLauncher.itemLoop(invoker),
                    contexts.stream().mapToInt(Integer::intValue).toArray(),
                    barriers);
        }
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation a : annotations) {
                if (a instanceof Reduce) {
                    return new SequentialPlan(invoker, "@Reduce parameter (a sequential reduction is exact)");
                }
            }
        }
        return switch (ParallelLoopTransformer.transform(method)) {
            case ParallelLoopTransformer.Result.Parallel p ->
                new LoopPlan(
                        p.handle()
                                .asSpreader(Object[].class, types.length + 2)
                                .asType(MethodType.methodType(void.class, Object[].class)),
                        p.description());
            case ParallelLoopTransformer.Result.Sequential s -> new SequentialPlan(invoker, s.reason());
        };
    }

    private static MethodHandle spreadInvoker(Method method) {
        MethodHandle handle;
        try {
            handle = MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup())
                    .unreflect(method);
        } catch (IllegalAccessException e) {
            try {
                method.setAccessible(true);
                handle = MethodHandles.lookup().unreflect(method);
            } catch (IllegalAccessException | RuntimeException e2) {
                throw new IllegalArgumentException(
                        "kernel " + kernelName(method) + " is not accessible: " + e2.getMessage(), e2);
            }
        }
        return handle.asSpreader(Object[].class, ReceiverFields.argumentTypes(method).length)
                .asType(MethodType.methodType(void.class, Object[].class));
    }

    private static void checkArguments(String kernel, Method method, Object[] args) {
        Class<?>[] types = ReceiverFields.argumentTypes(method);
        if (args == null || args.length != types.length) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + types.length + " argument(s), got "
                    + (args == null ? "none" : args.length));
        }
        for (int i = 0; i < types.length; i++) {
            Class<?> expected = types[i].isPrimitive()
                    ? MethodType.methodType(types[i]).wrap().returnType()
                    : types[i];
            if (args[i] == null ? types[i].isPrimitive() : !expected.isInstance(args[i])) {
                throw new IllegalArgumentException(
                        "kernel " + kernel + " argument " + i + ": expected " + types[i].getSimpleName() + ", got "
                                + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
            }
        }
    }

    /** Invokes a spread invoker, reporting any failure with the kernel's name. */
    static void invoke(String kernel, MethodHandle invoker, Object[] args) {
        try {
            invoker.invokeExact(args);
        } catch (JvmKernelException | JvmWorkGroup.Aborted e) {
            throw e;
        } catch (Throwable t) {
            throw new JvmKernelException("kernel " + kernel + " failed on the JVM backend: " + t + sourceOf(t), t);
        }
    }

    /**
     * " at File.java:42": the innermost frame of the kernel's own code (or of a {@code @Parallel} kernel's split copy,
     * which keeps its lines), above the backend's frames; "" when there is none (a copy that had to be a hidden class,
     * whose frames stack traces leave out: see {@link ParallelLoopTransformer}).
     */
    static String sourceOf(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (!c.contains("$SquallJvm") && (c.startsWith("io.squall.backend.") || c.startsWith("io.squall.exec."))) {
                return "";
            }
            if (!(c.startsWith("java.")
                    || c.startsWith("jdk.")
                    || c.startsWith("sun.")
                    || c.startsWith("io.squall.api."))) {
                return e.getFileName() == null
                        ? ""
                        : " at " + e.getFileName() + (e.getLineNumber() >= 0 ? ":" + e.getLineNumber() : "");
            }
        }
        return "";
    }

    /** Chunks per worker: more chunks than workers let a worker that runs late (a busy machine) take a smaller share. */
    static final int CHUNKS_PER_WORKER = 4;

    /**
     * Splits the loop into {@code workers * CHUNKS_PER_WORKER} chunks, claimed by the caller and pool threads; the
     * transformed kernel runs chunk {@code c} of {@code chunks} as its (worker, workers) share.
     */
    private static void runLoop(String kernel, MethodHandle invoker, Object[] args, int workers) {
        if (workers == 1) {
            invoke(kernel, invoker, withWorker(args, 0, 1));
            return;
        }
        int chunks = workers * CHUNKS_PER_WORKER;
        Workers.forEach(
                chunks, workers, pool(), chunk -> invoke(kernel, invoker, withWorker(args, (int) chunk, chunks)));
    }

    private static Object[] withWorker(Object[] args, int worker, int workers) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = worker;
        all[args.length + 1] = workers;
        return all;
    }

    /** The backend's shared pool of platform threads, created on first use. */
    static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (JvmKernelRunner.class) {
                if (pool == null) {
                    pool = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
                }
                p = pool;
            }
        }
        return p;
    }
}
