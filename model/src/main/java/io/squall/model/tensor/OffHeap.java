package io.squall.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large off-heap buffers that are written right after allocation (the repacked weights). On Linux: an anonymous
 * mmap, not zeroed by a pass on the calling thread as {@link Arena#allocate} does (the first writes, spread over the
 * worker threads, fault the pages in). Not madvise(MADV_HUGEPAGE): where THP defrag is "madvise" that makes each
 * fault compact memory for a huge page, measured 2.5-6x slower on the shared VM (2026-12-05). Elsewhere, or if the
 * calls are not found: {@link Arena#allocate}. Freed (munmap) when the arena closes. {@link #populate}: a writer's
 * range faulted in by one madvise(MADV_POPULATE_WRITE) before it writes (Linux 5.14+): a page fault per 4 KiB page
 * cost about as much CPU as the Q4_0 repack's own loop, the populate call ~20% less than the faults it replaces
 * (RepackBench-style measurement on the shared VM, 2026-12-05, 8192x2048 Q4_0: 5.7 vs 7.0 ms per 10 MB).
 */
final class OffHeap {
    private static final long PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final long PAGE = 4096;
    /** Smaller buffers (the warm-up's matrices) come from the arena: their zeroing costs nothing worth a downcall. */
    private static final long MAPPED_MIN_BYTES = 1 << 20;

    private static volatile boolean populates = true; // false after the kernel refused MADV_POPULATE_WRITE

    /**
     * The libc calls, each made on its first use (holder classes): making a downcall handle spins classes through
     * the class-file API, about 130 ms on a cold JVM's start for the three, which a start that maps its repacked
     * copies from a file (RepackedWeightsFile) never calls.
     */
    private static final class Mapping {
        static final MethodHandle MMAP = downcall(
                "mmap",
                FunctionDescriptor.of(
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG));
        static final MethodHandle MUNMAP = MMAP == null
                ? null
                : downcall(
                        "munmap",
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    private static final class Advice {
        static final MethodHandle MADVISE = downcall(
                "madvise",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    /** libc's {@code name}, or null off Linux, without the symbol or without native access (then: plain Java). */
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
        } catch (RuntimeException e) { // no such symbol, or native access denied
            return null;
        }
    }

    private OffHeap() {}

    /**
     * Faults in the whole pages of {@code segment}'s bytes [from, to) for writing, in one call, where the kernel
     * can (MADV_POPULATE_WRITE); otherwise nothing (the writes fault them in). The contents are unchanged.
     */
    static void populate(MemorySegment segment, long from, long to) {
        if (!populates || Advice.MADVISE == null) {
            return;
        }
        long base = segment.address();
        long start = (base + from + PAGE - 1) & -PAGE;
        long end = (base + to) & -PAGE;
        if (end <= start) {
            return;
        }
        try {
            int rc = (int) Advice.MADVISE.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_POPULATE_WRITE);
            if (rc != 0) {
                populates = false; // an older kernel (EINVAL) or no memory now: plain faults from here on
            }
        } catch (Throwable t) {
            populates = false;
        }
    }

    /** {@code bytes} bytes, 64-byte aligned, contents unspecified (zero on Linux), valid until {@code arena} closes. */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (bytes < MAPPED_MIN_BYTES || Mapping.MMAP == null || Mapping.MUNMAP == null) {
            return arena.allocate(bytes, 64);
        }
        MemorySegment address;
        try {
            address = (MemorySegment) Mapping.MMAP.invokeExact(
                    MemorySegment.NULL, bytes, (int) PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            return arena.allocate(bytes, 64);
        }
        if (address.address() == -1L) { // MAP_FAILED: let the arena report the shortage in Java terms
            return arena.allocate(bytes, 64);
        }
        return address.reinterpret(bytes, arena, s -> {
            try {
                int ignored = (int) Mapping.MUNMAP.invokeExact(s, bytes);
            } catch (Throwable t) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed", t);
            }
        });
    }
}
