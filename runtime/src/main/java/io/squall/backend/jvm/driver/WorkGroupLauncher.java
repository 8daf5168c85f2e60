package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

/** Runs a KernelContext kernel over an ND-range, work-group by work-group, the groups spread over the workers. */
final class WorkGroupLauncher {
    private static final long MAX_GROUP_ITEMS = JvmKernelRunner.MAX_WORK_GROUP_SIZE;

    private WorkGroupLauncher() {}

    /** The ND-range of one launch, padded to 3 dimensions. */
    record Range(int dims, long[] global, long[] local, long[] groups) {
        int items() {
            return (int) (local[0] * local[1] * local[2]);
        }

        long groupCount() {
            return groups[0] * groups[1] * groups[2];
        }

        String name(long group, int item) {
            long[] g = {group % groups[0], (group / groups[0]) % groups[1], group / (groups[0] * groups[1])};
            long[] l = {item % local[0], (item / local[0]) % local[1], item / (local[0] * local[1])};
            long[] id = new long[3];
            for (int d = 0; d < 3; d++) {
                id[d] = g[d] * local[d] + l[d];
            }
            return "work-item " + ids(l) + " of group " + ids(g) + " (global id " + ids(id) + ")";
        }

        private String ids(long[] v) {
            if (dims == 1) {
                return Long.toString(v[0]);
            }
            StringBuilder sb = new StringBuilder("(");
            for (int d = 0; d < dims; d++) {
                sb.append(d > 0 ? "," : "").append(v[d]);
            }
            return sb.append(')').toString();
        }
    }

    static void run(
            String kernel,
            MethodHandle invoker,
            MethodHandle itemLoop,
            Object[] args,
            int[] contextArgs,
            long[] gridGlobal,
            long[] gridLocal,
            boolean barriers,
            int workers,
            ForkJoinPool pool) {
        Range range = range(kernel, gridGlobal, gridLocal);
        Workers.forEach(range.groupCount(), workers, pool, group -> {
            if (barriers && range.items() > 1) {
                runConcurrent(kernel, invoker, args, contextArgs, range, group);
            } else {
                runLoop(kernel, invoker, itemLoop, args, contextArgs, range, group);
            }
        });
    }

    private static Range range(String kernel, long[] global, long[] local) {
        int dims = global.length;
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException(
                    "kernel " + kernel + ": a launch grid has 1 to 3 dimensions, got " + dims);
        }
        if (local != null && local.length != dims) {
            throw new IllegalArgumentException("kernel " + kernel + ": global size " + Arrays.toString(global)
                    + " and local size " + Arrays.toString(local) + " have different dimensions");
        }
        long[] g = {1, 1, 1};
        long[] l = {1, 1, 1};
        long[] groups = new long[3];
        for (int d = 0; d < 3; d++) {
            if (d < dims) {
                g[d] = global[d];
                if (g[d] < 1 || g[d] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("kernel " + kernel + ": global size " + g[d] + " in dimension "
                            + d + " is out of range 1.." + Integer.MAX_VALUE);
                }
                l[d] = local != null ? local[d] : defaultLocal(g[d], dims);
                if (l[d] < 1 || g[d] % l[d] != 0) {
                    throw new IllegalArgumentException("kernel " + kernel + ": global size " + g[d] + " in dimension "
                            + d + " is not a multiple of the local (work-group) size " + l[d]);
                }
            }
            groups[d] = g[d] / l[d];
        }
        if (l[0] * l[1] * l[2] > MAX_GROUP_ITEMS) {
            throw new IllegalArgumentException("kernel " + kernel + ": work-group of " + (l[0] * l[1] * l[2])
                    + " work-items is larger than the JVM backend's limit " + MAX_GROUP_ITEMS);
        }
        return new Range(dims, g, l, groups);
    }

    /** Without a local size: the largest divisor of the global size up to 256 (1D), 16x16 (2D), 8x8x4 (3D). */
    private static long defaultLocal(long global, int dims) {
        long cap = dims == 1 ? 256 : dims == 2 ? 16 : 4;
        for (long l = Math.min(cap, global); l > 1; l--) {
            if (global % l == 0) {
                return l;
            }
        }
        return 1;
    }

    /** The group's coordinates {x, y, z} from its linear index (once per group: long divisions are not free). */
    static int[] groupIds(Range range, long group) {
        long[] g = range.groups();
        return new int[] {(int) (group % g[0]), (int) ((group / g[0]) % g[1]), (int) (group / (g[0] * g[1]))};
    }

    /** Sets every id and size of the work-item at local position (x, y, z) of the group at {@code groupIds}. */
    static void setIds(KernelContext ctx, Range range, int[] groupIds, int x, int y, int z) {
        long[] l = range.local();
        long[] global = range.global();
        ctx.localIdx = x;
        ctx.localIdy = y;
        ctx.localIdz = z;
        ctx.groupIdx = groupIds[0];
        ctx.groupIdy = groupIds[1];
        ctx.groupIdz = groupIds[2];
        ctx.globalIdx = groupIds[0] * (int) l[0] + x;
        ctx.globalIdy = groupIds[1] * (int) l[1] + y;
        ctx.globalIdz = groupIds[2] * (int) l[2] + z;
        ctx.localGroupSizeX = (int) l[0];
        ctx.localGroupSizeY = (int) l[1];
        ctx.localGroupSizeZ = (int) l[2];
        ctx.globalGroupSizeX = (int) global[0];
        ctx.globalGroupSizeY = (int) global[1];
        ctx.globalGroupSizeZ = (int) global[2];
    }

    /** As above, for the work-item with linear index {@code item} in its group. */
    static void setIds(KernelContext ctx, Range range, int[] groupIds, int item) {
        long[] l = range.local();
        setIds(ctx, range, groupIds, (int) (item % l[0]), (int) ((item / l[0]) % l[1]), (int) (item / (l[0] * l[1])));
    }

    private static Object[] argsFor(Object[] args, int[] contextArgs, KernelContext ctx) {
        Object[] a = args.clone();
        for (int i : contextArgs) {
            a[i] = ctx;
        }
        return a;
    }

    private static JvmKernelException itemFailure(String kernel, Range range, long group, int item, Throwable t) {
        return new JvmKernelException(
                "kernel " + kernel + " failed in " + range.name(group, item) + ": " + t + JvmKernelRunner.sourceOf(t),
                t);
    }

    /**
     * No barriers: the work-items of the group run one after another on this thread, sharing one context object,
     * through the kernel's {@link ItemLoop} (or, without one, a call per work-item).
     */
    private static void runLoop(
            String kernel,
            MethodHandle invoker,
            MethodHandle itemLoop,
            Object[] args,
            int[] contextArgs,
            Range range,
            long group) {
        KernelContext ctx = new KernelContext();
        Object[] a = argsFor(args, contextArgs, ctx);
        int items = range.items();
        JvmWorkGroup workGroup = new JvmWorkGroup(kernel, items, false, item -> range.name(group, item));
        int[] groupIds = groupIds(range, group);
        if (itemLoop != null) {
            try {
                itemLoop.invokeExact(a, ctx, workGroup, range, groupIds);
            } catch (Throwable t) {
                int item =
                        ctx.localIdx + (int) range.local()[0] * (ctx.localIdy + (int) range.local()[1] * ctx.localIdz);
                throw itemFailure(kernel, range, group, item, t);
            }
            return;
        }
        for (int item = 0; item < items; item++) {
            setIds(ctx, range, groupIds, item);
            ctx.bind(workGroup);
            try {
                invoker.invokeExact(a);
            } catch (Throwable t) {
                throw itemFailure(kernel, range, group, item, t);
            }
        }
    }

    /** The hidden copy of {@link ItemLoop} for a kernel's invoker, as (Object[], KernelContext, JvmWorkGroup, Range, int[])void. */
    static MethodHandle itemLoop(MethodHandle invoker) {
        try {
            byte[] template = ClassFiles.bytes(ItemLoop.class);
            MethodHandles.Lookup hidden =
                    MethodHandles.lookup().defineHiddenClassWithClassData(template, invoker, true);
            return hidden.findStatic(
                    hidden.lookupClass(),
                    "run",
                    MethodType.methodType(
                            void.class,
                            Object[].class,
                            KernelContext.class,
                            JvmWorkGroup.class,
                            Range.class,
                            int[].class));
        } catch (ReflectiveOperationException | java.io.IOException | LinkageError e) {
            return null; // the per-work-item call still works, only slower
        }
    }

    /** Barriers: each work-item of the group is a virtual thread; they meet at the group's barrier. */
    private static void runConcurrent(
            String kernel, MethodHandle invoker, Object[] args, int[] contextArgs, Range range, long group) {
        int items = range.items();
        JvmWorkGroup workGroup = new JvmWorkGroup(kernel, items, true, item -> range.name(group, item));
        int[] groupIds = groupIds(range, group);
        Thread[] threads = new Thread[items];
        for (int item = 0; item < items; item++) {
            KernelContext ctx = new KernelContext();
            setIds(ctx, range, groupIds, item);
            ctx.bind(workGroup);
            Object[] a = argsFor(args, contextArgs, ctx);
            int id = item;
            threads[item] = Thread.ofVirtual().unstarted(() -> {
                try {
                    invoker.invokeExact(a);
                    workGroup.finished(id);
                } catch (JvmWorkGroup.Aborted aborted) {
                    // another work-item failed first; its error is reported
                } catch (Throwable t) {
                    workGroup.failed(itemFailure(kernel, range, group, id, t));
                }
            });
            workGroup.member(item, threads[item]);
        }
        for (Thread thread : threads) {
            thread.start();
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        RuntimeException failure = workGroup.failure();
        if (failure != null) {
            throw failure;
        }
    }
}
