package io.squall.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
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
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final long PAGE = 4096;
    private static volatile boolean populates = true; // false after the kernel refused MADV_POPULATE_WRITE

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                mmap = linker.downcallHandle(
                        libc.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(
                                ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS,
                                ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(
                        libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(
                        libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS,
                                ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
            } catch (RuntimeException e) { // no such symbol, or native access denied: Arena.allocate
                mmap = munmap = madvise = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
    }

    private OffHeap() {}

    /**
     * Faults in the whole pages of {@code segment}'s bytes [from, to) for writing, in one call, where the kernel
     * can (MADV_POPULATE_WRITE); otherwise nothing (the writes fault them in). The contents are unchanged.
     */
    static void populate(MemorySegment segment, long from, long to) {
        if (MADVISE == null || !populates) {
            return;
        }
        long base = segment.address();
        long start = (base + from + PAGE - 1) & -PAGE;
        long end = (base + to) & -PAGE;
        if (end <= start) {
            return;
        }
        try {
            int rc = (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_POPULATE_WRITE);
            if (rc != 0) {
                populates = false; // an older kernel (EINVAL) or no memory now: plain faults from here on
            }
        } catch (Throwable t) {
            populates = false;
        }
    }

    /** {@code bytes} bytes, 64-byte aligned, contents unspecified (zero on Linux), valid until {@code arena} closes. */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (MMAP == null || bytes == 0) {
            return arena.allocate(bytes, 64);
        }
        MemorySegment address;
        try {
            address = (MemorySegment)
                    MMAP.invokeExact(MemorySegment.NULL, bytes, (int) PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            return arena.allocate(bytes, 64);
        }
        if (address.address() == -1L) { // MAP_FAILED: let the arena report the shortage in Java terms
            return arena.allocate(bytes, 64);
        }
        return address.reinterpret(bytes, arena, s -> {
            try {
                int ignored = (int) MUNMAP.invokeExact(s, bytes);
            } catch (Throwable t) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed", t);
            }
        });
    }
}
