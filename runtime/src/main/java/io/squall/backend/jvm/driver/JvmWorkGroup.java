package io.squall.backend.jvm.driver;

import io.squall.api.KernelContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    }

    /** Registers the thread that runs work-item {@code item}, before it starts. */
    void member(int item, Thread thread) {
        members[item] = thread;
    }

    @Override
    public void barrier() {
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
        int count = arrived.incrementAndGet();
        if (count == parties) {
            arrived.set(0);
            generation = waitingFor + 1;
            wakeAll();
            return;
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
        int waiting = arrived.get();
        if (waiting > 0) {
            diverged(item, waiting);
        }
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
