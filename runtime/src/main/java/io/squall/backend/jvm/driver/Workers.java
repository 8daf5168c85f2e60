package io.squall.backend.jvm.driver;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Runs numbered pieces of work on the calling thread and pool threads: each piece is claimed from a shared counter,
 * so a thread that starts late (a busy machine) simply takes fewer, and the caller waits only for pieces in progress,
 * never for a pool thread that has not started yet.
 */
final class Workers {
    private Workers() {}

    /** Runs {@code task(0..count-1)} on the caller and up to {@code threads - 1} pool threads; rethrows the first failure. */
    static void forEach(long count, int threads, ForkJoinPool pool, LongConsumer task) {
        AtomicLong next = new AtomicLong();
        AtomicLong pending = new AtomicLong(count);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Runnable claimLoop = () -> {
            long i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) { // after a failure the remaining pieces are only counted off
                        task.accept(i);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (Error e) {
                    failure.compareAndSet(null, new JvmKernelException("JVM backend worker failed: " + e, e));
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        };
        long helpers = Math.min(threads, count) - 1;
        for (long w = 0; w < helpers; w++) {
            pool.execute(claimLoop);
        }
        claimLoop.run();
        while (pending.get() > 0) {
            LockSupport.park(Workers.class);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
