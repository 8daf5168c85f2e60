package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * One work-group of a KernelContext launch on the JVM: its local arrays (shared by allocation ordinal) and its barrier.
 * The barrier never hangs: a work-item that finishes while others wait at a barrier (or before they reach one) is
 * reported as divergence, and a work-item's exception releases the others.
 *
 * <p>The barrier is lock-free: arrivals count up, the last one advances the generation and unparks every member,
 * so the released work-items resume in parallel rather than one by one through a lock.
 *
 * <p>Warp-collective operations ({@link #warpExchange}: mma, simd*) meet the same way at a barrier of their warp (32
 * consecutive items), each warp with two slot arrays used in turn: a lane writes a slot array again only two
 * exchanges later, after every lane of its warp has passed the exchange in between and so has read the slots. A lane
 * at its warp's exchange while another lane of the same warp waits at the group barrier (or has finished) can never
 * be released: that is reported as divergence too.
 */
final class JvmWorkGroup implements KernelContext.WorkGroup {
    /** Unwinds the other work-items of a group that has already failed. */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super(null, null, false, false);
        }
    }

    private final String kernel;
    private final int parties;
    private final boolean concurrent;
    private final IntFunction<String> names;
    private final Thread[] members;
    private final List<Object> localArrays = new ArrayList<>();
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger firstFinished = new AtomicInteger(-1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile long generation;

    private static final int WARP_SIZE = KernelContext.WARP_SIZE;
    /** [warp][exchange parity][lane]: the values of a warp's current and previous exchange. */
    private final Object[][][] warpSlots;
    /** Exchanges each item has entered (each item touches only its own entry). */
    private final int[] exchanges;

    private final AtomicIntegerArray warpArrived;
    private final AtomicLongArray warpGeneration;
    /** Per warp: 1 + the first of its items that finished, 0 while none has. */
    private final AtomicIntegerArray warpFinished;
    /** Items of each warp waiting at the group's current barrier; reset when the barrier opens. */
    private final AtomicIntegerArray groupWaiting;

    /**
     * @param concurrent true when the items run as concurrent threads (registered with {@link #member}); false when
     *                   they run one after another (then a barrier in a group of more than one item is an error)
     * @param names      a work-item's ids for messages, by its linear index in the group
     */
    JvmWorkGroup(String kernel, int parties, boolean concurrent, IntFunction<String> names) {
        this.kernel = kernel;
        this.parties = parties;
        this.concurrent = concurrent;
        this.names = names;
        this.members = concurrent ? new Thread[parties] : new Thread[0];
        int warps = (parties + WARP_SIZE - 1) / WARP_SIZE;
        this.warpSlots = new Object[warps][2][];
        for (int w = 0; w < warps; w++) {
            int lanes = Math.min(WARP_SIZE, parties - w * WARP_SIZE);
            warpSlots[w][0] = new Object[lanes];
            warpSlots[w][1] = new Object[lanes];
        }
        this.exchanges = new int[parties];
        this.warpArrived = new AtomicIntegerArray(warps);
        this.warpGeneration = new AtomicLongArray(warps);
        this.warpFinished = new AtomicIntegerArray(warps);
        this.groupWaiting = new AtomicIntegerArray(warps);
    }

    /** Registers the thread that runs work-item {@code item}, before it starts. */
    void member(int item, Thread thread) {
        members[item] = thread;
    }

    @Override
    public void barrier(int item) {
        if (parties == 1) {
            return;
        }
        if (!concurrent) {
            throw new IllegalStateException("kernel " + kernel + ": barrier reached in a work-group run as a loop"
                    + " (the barrier was not found in the kernel's bytecode)");
        }
        if (failure.get() != null) {
            throw new Aborted();
        }
        long waitingFor = generation;
        int warp = item / WARP_SIZE;
        groupWaiting.incrementAndGet(warp);
        int count = arrived.incrementAndGet();
        if (count == parties) {
            for (int w = 0; w < groupWaiting.length(); w++) {
                groupWaiting.set(w, 0);
            }
            arrived.set(0);
            generation = waitingFor + 1;
            wakeAll();
            return;
        }
        // Paired with warpExchange: each counts itself in, then reads the other's count.
        if (warpArrived.get(warp) > 0 && generation == waitingFor) {
            mismatched(warp);
            throw new Aborted();
        }
        // Paired with finished(): each increments its counter, then reads the other's, so one of them sees the
        // divergence.
        // A finished item counts only while this barrier is still open: once it has opened, the others may legitimately
        // be done.
        if (finished.get() > 0 && generation == waitingFor) {
            diverged(firstFinished.get(), count);
            throw new Aborted();
        }
        while (generation == waitingFor && failure.get() == null) {
            LockSupport.park(this);
        }
        if (generation == waitingFor) {
            throw new Aborted();
        }
    }

    /** Called when work-item {@code item} returns normally. */
    void finished(int item) {
        finished.incrementAndGet();
        firstFinished.compareAndSet(-1, item);
        int warp = item / WARP_SIZE;
        warpFinished.compareAndSet(warp, 0, item + 1);
        int waiting = arrived.get();
        if (waiting > 0) {
            diverged(item, waiting);
        }
        int exchanging = warpArrived.get(warp);
        if (exchanging > 0) {
            divergedInWarp(item, exchanging);
        }
    }

    @Override
    public Object[] warpExchange(int item, Object value) {
        int warp = item / WARP_SIZE;
        Object[] slots = warpSlots[warp][exchanges[item]++ & 1];
        slots[item % WARP_SIZE] = value;
        int lanes = slots.length;
        if (lanes == 1) {
            return slots;
        }
        if (!concurrent) {
            throw new IllegalStateException("kernel " + kernel + ": warp-collective operation reached in a work-group"
                    + " run as a loop (the call was not found in the kernel's bytecode)");
        }
        if (failure.get() != null) {
            throw new Aborted();
        }
        long waitingFor = warpGeneration.get(warp);
        int count = warpArrived.incrementAndGet(warp);
        if (count == lanes) {
            warpArrived.set(warp, 0);
            warpGeneration.set(warp, waitingFor + 1);
            wakeWarp(warp);
            return slots;
        }
        // Paired with barrier() and finished(): each counts itself in, then reads the other's count. The generation is
        // read again after: a lane that finished (or waits at the group barrier) after passing this exchange had
        // advanced it first, so only a lane that never reached this exchange is seen with it still open.
        int finishedItem = warpFinished.get(warp);
        if (finishedItem > 0 && warpGeneration.get(warp) == waitingFor) {
            divergedInWarp(finishedItem - 1, count);
            throw new Aborted();
        }
        if (groupWaiting.get(warp) > 0 && warpGeneration.get(warp) == waitingFor) {
            mismatched(warp);
            throw new Aborted();
        }
        while (warpGeneration.get(warp) == waitingFor && failure.get() == null) {
            LockSupport.park(this);
        }
        if (warpGeneration.get(warp) == waitingFor) {
            throw new Aborted();
        }
        return slots;
    }

    private void wakeWarp(int warp) {
        Thread me = Thread.currentThread();
        int end = Math.min(members.length, (warp + 1) * WARP_SIZE);
        for (int i = warp * WARP_SIZE; i < end; i++) {
            Thread t = members[i];
            if (t != null && t != me) {
                LockSupport.unpark(t);
            }
        }
    }

    private void divergedInWarp(int item, int waiting) {
        failed(new JvmKernelException("kernel " + kernel + ": " + names.apply(item)
                + " finished without reaching the warp-collective operation (mma*, simd*) that " + waiting
                + " other work-item(s) of its warp reached (every work-item of a warp of " + WARP_SIZE
                + " consecutive local ids must reach each such call)"));
    }

    private void mismatched(int warp) {
        failed(new JvmKernelException("kernel " + kernel + ": in the warp starting at " + names.apply(warp * WARP_SIZE)
                + ", some work-items wait at a barrier while others wait at a warp-collective operation (mma*, simd*);"
                + " every work-item of a warp must reach the same calls in the same order"));
    }

    /** Called when a work-item throws; the first failure wins and releases everyone. */
    void failed(RuntimeException error) {
        if (failure.compareAndSet(null, error)) {
            wakeAll();
        }
    }

    private void wakeAll() {
        for (Thread t : members) {
            if (t != null && t != Thread.currentThread()) {
                LockSupport.unpark(t);
            }
        }
    }

    private void diverged(int item, int waiting) {
        failed(new JvmKernelException(
                "kernel " + kernel + ": " + names.apply(item) + " finished without reaching the barrier that "
                        + waiting
                        + " other work-item(s) of its group reached (every work-item of a work-group must reach each barrier;"
                        + " OpenCL leaves this undefined)"));
    }

    RuntimeException failure() {
        return failure.get();
    }

    @Override
    public synchronized Object localArray(int ordinal, Class<?> componentType, int length) {
        while (localArrays.size() <= ordinal) {
            localArrays.add(null);
        }
        Object array = localArrays.get(ordinal);
        if (array == null) {
            if (length < 0) {
                throw new IllegalArgumentException(
                        "kernel " + kernel + ": local array #" + ordinal + " with negative size " + length);
            }
            array = java.lang.reflect.Array.newInstance(componentType, length);
            localArrays.set(ordinal, array);
        } else if (array.getClass().getComponentType() != componentType
                || java.lang.reflect.Array.getLength(array) != length) {
            throw new IllegalStateException(
                    "kernel " + kernel + ": local array #" + ordinal + " is allocated as " + componentType
                            + "[" + length + "] here but as " + array.getClass().getComponentType() + "["
                            + java.lang.reflect.Array.getLength(array) + "] by another work-item of the group"
                            + " (every work-item must allocate the same local arrays in the same order)");
        }
        return array;
    }
}
