package io.squall.model.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one shared worker pool of the CPU engine: {@code -Dsquall.threads} threads in all (default: available
 * processors), the calling thread being one of them. Work is split in contiguous chunks, one per thread.
 * Workers spin briefly ({@code -Dsquall.spinMicros}, default 50) after each job before parking, because
 * matrix-vector products come in quick succession during decoding. A call made from inside a job, or while
 * another thread's job runs, is not parallel in itself: nested calls run inline, concurrent ones wait.
 */
public final class Threads {
    /** A body that handles elements [start, end); {@code worker} is in [0, count()) and unique among running chunks. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int worker, int start, int end);
    }

    private static final long SPIN_NANOS = Long.getLong("squall.spinMicros", 50) * 1000;
    private static volatile int COUNT = Math.max(
            1, Integer.getInteger("squall.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile Pool POOL = COUNT > 1 ? new Pool(COUNT) : null;

    private Threads() {}

    /** Threads used by parallel loops, the caller included. */
    public static int count() {
        return COUNT;
    }

    /** Replaces the pool by one of {@code threads} threads (process-wide; tests check several thread counts in one JVM). */
    public static synchronized void resize(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1: " + threads);
        }
        Pool old = POOL;
        POOL = threads > 1 ? new Pool(threads) : null;
        COUNT = threads;
        if (old != null) {
            old.shutdown();
        }
    }

    /** True on a pool worker, or on a thread whose parallel call is running: a parallel call here would run inline. */
    public static boolean inParallelSection() {
        Pool pool = POOL;
        return pool != null && pool.inside();
    }

    /** Calls {@code body.accept(i)} for every i in [0, n), in parallel over contiguous chunks. */
    public static void parallelFor(int n, IntConsumer body) {
        parallelRanges(n, (worker, start, end) -> {
            for (int i = start; i < end; i++) {
                body.accept(i);
            }
        });
    }

    /** Splits [0, n) in at most count() contiguous chunks and runs them in parallel; returns when all are done. */
    public static void parallelRanges(int n, RangeBody body) {
        parallelRanges(n, 1, body);
    }

    /** As {@link #parallelRanges(int, RangeBody)}, with chunks of at least {@code minChunk} elements. */
    public static void parallelRanges(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) Math.min(COUNT, Math.max(1, n / Math.max(1, (long) minChunk)));
        Pool pool = POOL;
        if (chunks == 1 || pool == null) {
            body.run(0, 0, n);
            return;
        }
        pool.run(n, Math.min(chunks, pool.workers.length + 1), body);
    }

    private static final class Pool {
        private final Worker[] workers;
        private final ReentrantLock submit = new ReentrantLock();
        private final AtomicInteger pending = new AtomicInteger();
        private long generation;
        private volatile Thread submitter;
        private RangeBody body;
        private int n;
        private int chunks;
        private volatile Throwable failure;

        Pool(int threads) {
            workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void shutdown() {
            submit.lock(); // waits for a running job
            try {
                for (Worker w : workers) {
                    w.stopped = true;
                    LockSupport.unpark(w);
                }
            } finally {
                submit.unlock();
            }
        }

        boolean inside() {
            return Thread.currentThread() instanceof Worker || submit.isHeldByCurrentThread();
        }

        void run(int n, int chunks, RangeBody body) {
            Thread self = Thread.currentThread();
            if (inside()) {
                body.run(0, 0, n); // nested: this thread is already one of the pool's
                return;
            }
            submit.lock();
            try {
                this.body = body;
                this.n = n;
                this.chunks = chunks;
                this.failure = null;
                this.submitter = self;
                pending.set(chunks - 1);
                generation++;
                for (int i = 0; i < chunks - 1; i++) {
                    workers[i].assigned = generation; // volatile write publishes the job fields above
                    LockSupport.unpark(workers[i]);
                }
                Throwable own = null;
                try {
                    body.run(0, 0, chunkEnd(0));
                } catch (Throwable t) {
                    own = t;
                }
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (pending.get() != 0) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 100_000);
                    }
                }
                this.body = null;
                Throwable t = own != null ? own : failure;
                if (t instanceof RuntimeException e) {
                    throw e;
                } else if (t instanceof Error e) {
                    throw e;
                } else if (t != null) {
                    throw new IllegalStateException(t);
                }
            } finally {
                submit.unlock();
            }
        }

        int chunkEnd(int chunk) {
            return (int) ((long) n * (chunk + 1) / chunks);
        }

        void work(int index) {
            try {
                body.run(index, (int) ((long) n * index / chunks), chunkEnd(index));
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(submitter);
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private final int index;
        private volatile long assigned;
        private volatile boolean stopped;

        Worker(Pool pool, int index) {
            super("squall-worker-" + index);
            this.pool = pool;
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (!stopped) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                long g;
                while ((g = assigned) == seen) {
                    if (stopped) {
                        return;
                    }
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(pool);
                    }
                }
                seen = g;
                pool.work(index);
            }
        }
    }
}
