package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsTest {
    private static final int DEFAULT_THREADS = Threads.count();

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    @Test
    void everyIndexRunsExactlyOnceInContiguousChunks() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            Threads.resize(threads);
            assertEquals(threads, Threads.count());
            for (int n : new int[] {0, 1, 2, 3, 7, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                Threads.parallelFor(n, i -> hits.incrementAndGet(i));
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "threads " + threads + " n " + n + " index " + i);
                }
                AtomicIntegerArray owner = new AtomicIntegerArray(Math.max(n, 1));
                Threads.parallelRanges(n, (worker, start, end) -> {
                    for (int i = start; i < end; i++) {
                        owner.set(i, worker);
                    }
                });
                for (int i = 1; i < n; i++) {
                    assertTrue(owner.get(i) >= owner.get(i - 1), "chunks are contiguous and ordered by worker");
                }
            }
        }
    }

    @Test
    void failuresReachTheCaller() {
        Threads.resize(3);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Threads.parallelFor(90, i -> {
                    if (i == 70) {
                        throw new IllegalStateException("boom at " + i);
                    }
                }));
        assertEquals("boom at 70", e.getMessage());
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        Threads.parallelFor(10, hits::incrementAndGet); // the pool still works
        assertEquals(1, hits.get(9));
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        Threads.resize(3);
        AtomicIntegerArray hits = new AtomicIntegerArray(30 * 30);
        Threads.parallelFor(30, i -> Threads.parallelFor(30, j -> hits.incrementAndGet(i * 30 + j)));
        for (int k = 0; k < 900; k++) {
            assertEquals(1, hits.get(k));
        }
        AtomicIntegerArray concurrent = new AtomicIntegerArray(2 * 500);
        Thread other = new Thread(() -> {
            for (int rep = 0; rep < 50; rep++) {
                Threads.parallelFor(500, i -> concurrent.incrementAndGet(500 + i));
            }
        });
        other.start();
        for (int rep = 0; rep < 50; rep++) {
            Threads.parallelFor(500, concurrent::incrementAndGet);
        }
        other.join();
        for (int k = 0; k < 1000; k++) {
            assertEquals(50, concurrent.get(k));
        }
    }
}
