package io.squall.driver.jvm;

import io.squall.api.KernelContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One work-group of a KernelContext launch on the JVM: its local arrays (shared by allocation ordinal) and its barrier.
 * The barrier never hangs: a work-item that finishes while others wait at a barrier (or before they reach one) is
 * reported as divergence, and a work-item's exception releases the others.
 */
final class JvmWorkGroup implements KernelContext.WorkGroup {
    /** Unwinds the other work-items of a group that has already failed. */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super(null, null, false, false);
        }
    }

    private final int parties;
    private final boolean concurrent;
    private final List<Object> localArrays = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private int arrived;
    private long generation;
    private int finished;
    private int firstFinished = -1;
    private RuntimeException failure;

    private final String kernel;
    private final IntFunction<String> names;

    /**
     * @param concurrent true when the items run as concurrent threads; false when they run one after another
     * @param names      a work-item's ids for messages, by its linear index in the group
     */
    JvmWorkGroup(String kernel, int parties, boolean concurrent, IntFunction<String> names) {
        this.kernel = kernel;
        this.parties = parties;
        this.concurrent = concurrent;
        this.names = names;
    }

    @Override
    public void barrier() {
        if (parties == 1) {
            return;
        }
        if (!concurrent) {
            throw new IllegalStateException("kernel " + kernel + ": barrier reached in a work-group run as a loop (the barrier was not detected statically)");
        }
        lock.lock();
        try {
            if (failure != null) {
                throw new Aborted();
            }
            if (finished > 0) {
                diverged(firstFinished, arrived + 1);
                throw new Aborted();
            }
            arrived++;
            if (arrived == parties) {
                arrived = 0;
                generation++;
                released.signalAll();
                return;
            }
            long waitingFor = generation;
            while (waitingFor == generation && failure == null) {
                released.awaitUninterruptibly();
            }
            if (failure != null) {
                throw new Aborted();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called when work-item {@code item} returns normally. */
    void finished(int item) {
        lock.lock();
        try {
            finished++;
            if (firstFinished < 0) {
                firstFinished = item;
            }
            if (arrived > 0 && failure == null) {
                diverged(item, arrived);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called when work-item {@code item} throws; the first failure wins and releases everyone. */
    void failed(RuntimeException error) {
        lock.lock();
        try {
            if (failure == null) {
                failure = error;
                released.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void diverged(int item, int waiting) {
        failed(new JvmKernelException("kernel " + kernel + ": " + names.apply(item) + " finished without reaching the barrier that " + waiting
                + " other work-item(s) of its group reached (every work-item of a work-group must reach each barrier;"
                + " OpenCL leaves this undefined)"));
    }

    RuntimeException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public synchronized Object localArray(int ordinal, Class<?> componentType, int length) {
        while (localArrays.size() <= ordinal) {
            localArrays.add(null);
        }
        Object array = localArrays.get(ordinal);
        if (array == null) {
            if (length < 0) {
                throw new IllegalArgumentException("local array #" + ordinal + " with negative size " + length);
            }
            array = java.lang.reflect.Array.newInstance(componentType, length);
            localArrays.set(ordinal, array);
        } else if (array.getClass().getComponentType() != componentType || java.lang.reflect.Array.getLength(array) != length) {
            throw new IllegalStateException("local array #" + ordinal + " is allocated as " + componentType + "[" + length
                    + "] here but as " + array.getClass().getComponentType() + "[" + java.lang.reflect.Array.getLength(array)
                    + "] by another work-item of the group (every work-item must allocate the same local arrays in the same order)");
        }
        return array;
    }
}
