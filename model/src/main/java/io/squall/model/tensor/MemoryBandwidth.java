package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Measures the machine's memory read bandwidth as the CPU engine sees it: all {@link Threads} stream
 * through an off-heap buffer far larger than the caches with vector loads. Decode speed is reported as a
 * fraction of this figure (single-sequence decoding reads every weight once per token).
 *
 * <p>Probe after the kernels being measured, not before: a JVM whose first vector code was this probe (seconds of
 * vector loads and adds, run interpreted and in C1 first) had C2 compile InterleavedQ4_0.dot16 with vector intrinsics
 * that failed on "missing constant" vector classes (-XX:+PrintIntrinsics), whose Java fallbacks allocate: 2.5x the
 * CPU per token in 11 of 12 LlamaBench JVMs with -XX:-BackgroundCompilation, against 7 of 7 fast with the probe after
 * the run (2026-12-05). A probe on LongVector instead of FloatVector did the same, so it is not only its shape.
 */
public final class MemoryBandwidth {
    private static final long DEFAULT_BYTES = 1L << 30; // well above any last-level cache

    private MemoryBandwidth() {}

    /** Best of five streaming reads of a 1 GiB buffer, in GB/s (10^9 bytes per second). */
    public static double measureReadGBps() {
        return measureReadGBps(DEFAULT_BYTES, 5);
    }

    /** Best of {@code runs} streaming reads of a {@code bytes}-byte buffer with all threads, in GB/s. */
    public static double measureReadGBps(long bytes, int runs) {
        int unit = VectorDots.F.vectorByteSize();
        long pieces = bytes / (1024L * unit); // threads share out pieces of 1024 vectors
        if (pieces < Threads.count() || pieces > Integer.MAX_VALUE || runs < 1) {
            throw new IllegalArgumentException(
                    "bandwidth buffer of " + bytes + " bytes and " + runs + " runs is too small");
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(pieces * 1024L * unit, 4096);
            Threads.parallelRanges((int) pieces, (worker, start, end) -> {
                long from = start * 1024L * unit;
                long to = end * 1024L * unit;
                buffer.asSlice(from, to - from).fill((byte) 1); // touch every page from the thread that will read it
            });
            double best = 0;
            float[] sink = new float[Threads.count()];
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                Threads.parallelRanges(
                        (int) pieces,
                        (worker, start, end) -> sink[worker] += sum(buffer, start * 1024L * unit, end * 1024L * unit));
                long t1 = System.nanoTime();
                best = Math.max(best, (double) buffer.byteSize() / (t1 - t0));
            }
            if (Float.isNaN(sink[0])) {
                throw new AssertionError("unreachable: keeps the reads alive");
            }
            return best;
        }
    }

    /**
     * One thread's streaming read of a 1 GiB buffer in bytes per CPU second of the calling thread (best of
     * {@code runs}): on a machine whose cores are shared with other processes, the bound a single-threaded kernel
     * measured in CPU time is compared with.
     */
    public static double measureReadGBpsPerCpuSecond(int runs) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(DEFAULT_BYTES, 4096);
            buffer.fill((byte) 1);
            float sink = 0;
            double best = 0;
            for (int run = 0; run < runs; run++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                sink += sum(buffer, 0, buffer.byteSize());
                long t1 = cpu.getCurrentThreadCpuTime();
                best = Math.max(best, (double) buffer.byteSize() / (t1 - t0));
            }
            if (Float.isNaN(sink)) {
                throw new AssertionError("unreachable: keeps the reads alive");
            }
            return best;
        }
    }

    /**
     * Sums [from, to) as floats, reading eight streams at once (the eighths of the range): one thread read 17 GB/s
     * per CPU second from one sequential stream, 18-19 from two, 20-21 from four, 23-25 from eight and 21-23 from
     * sixteen (1 GiB, 512-bit loads, shared 2-core AMD EPYC VM, 2026-12-05). The bound is the best a reader reaches, so
     * the probe takes the best shape; a single stream under-read it (decoding Q8_0 from quarters streamed more than
     * the one-stream probe measured).
     */
    private static float sum(MemorySegment s, long from, long to) {
        int unit = VectorDots.F.vectorByteSize();
        long eighth = (to - from) / (8L * unit) * unit;
        FloatVector a0 = FloatVector.zero(VectorDots.F);
        FloatVector a1 = FloatVector.zero(VectorDots.F);
        FloatVector a2 = FloatVector.zero(VectorDots.F);
        FloatVector a3 = FloatVector.zero(VectorDots.F);
        for (long o = from; o < from + eighth; o += unit) {
            a0 = a0.add(load(s, o)).add(load(s, o + eighth));
            a1 = a1.add(load(s, o + 2 * eighth)).add(load(s, o + 3 * eighth));
            a2 = a2.add(load(s, o + 4 * eighth)).add(load(s, o + 5 * eighth));
            a3 = a3.add(load(s, o + 6 * eighth)).add(load(s, o + 7 * eighth));
        }
        for (long o = from + 8 * eighth; o + unit <= to; o += unit) {
            a0 = a0.add(load(s, o));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector load(MemorySegment s, long offset) {
        return FloatVector.fromMemorySegment(VectorDots.F, s, offset, ByteOrder.LITTLE_ENDIAN);
    }
}
