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
 * calls are not found: {@link Arena#allocate}. Freed (munmap) when the arena closes.
 */
final class OffHeap {
    private static final long PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
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
            } catch (RuntimeException e) { // no such symbol, or native access denied: Arena.allocate
                mmap = munmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private OffHeap() {}

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
