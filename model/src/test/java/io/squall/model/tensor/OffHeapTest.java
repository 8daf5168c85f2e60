package io.squall.model.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** OffHeap's prefault leaves contents alone, and a repack into prefaulted pages equals one into plain memory. */
class OffHeapTest {
    @Test
    void populateKeepsWrittenBytesAndFreshZerosOnAnyRange() {
        long bytes = 300 * 4096 + 123; // over 1 MiB: an mmap (smaller buffers come from the arena)
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = OffHeap.allocate(bytes, arena);
            for (long i = 0; i < 4096 + 77; i++) { // the first page and a bit written before the populate
                s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            }
            OffHeap.populate(s, 13, bytes - 5); // unaligned ends: only the whole pages inside
            OffHeap.populate(s, 0, bytes);
            OffHeap.populate(s, 100, 200); // no whole page: nothing
            for (long i = 0; i < bytes; i++) {
                byte expected = i < 4096 + 77 ? (byte) (i * 31 + 7) : 0;
                assertEquals(expected, s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void repackIntoPrefaultedCopyEqualsThePlainRepack() {
        int rows = 1000; // 63 groups, over all threads; each Q4_0 group 18 KiB: ranges not page aligned
        int cols = 2048;
        MemorySegment data = Quantizer.quantize(GGMLType.Q4_0, TensorTestData.weights(rows * cols, 11));
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix m = WeightMatrix.of("w", GGMLType.Q4_0, data, rows, cols)
                    .withQuantizedActivations()
                    .repacked(arena);
            MemorySegment copy = m.interleavedCopy();
            assertNotNull(copy, "Q4_0 is repacked");
            MemorySegment plain = arena.allocate(InterleavedQ4_0.byteSize(rows, cols), 64);
            InterleavedQ4_0.repack(data, rows, cols, plain, 0, InterleavedQ4_0.groups(rows));
            assertEquals(-1L, plain.mismatch(copy), "first differing byte of the prefaulted copy");
        }
    }
}
