package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file above 2 GB: the writer streams a 2 GB tensor (all zeros, so it becomes a hole in a sparse file and
 * costs no disk), the reader maps it and reads a tensor placed after byte 2^31.
 */
class GGUFLargeFileTest {

    @TempDir
    Path dir;

    @Test
    void tensorAfterTwoGigabytesRoundTrips() throws Exception {
        long big = (1L << 31) + 96; // I8 elements = bytes
        assumeTrue(
                Files.getFileStore(dir).getUsableSpace() > 3 * big,
                "needs ~6 GB free in " + dir + " in case the file system does not keep sparse files");
        MemorySegment zeros = MemorySegment.ofArray(new byte[1 << 20]);
        float[] tail = {1f, -2f, 3.5f, 4f, 5f, 6f, 7f, 8.25f};
        MemorySegment tailBytes = MemorySegment.ofArray(new byte[32]);
        MemorySegment.copy(
                tail,
                0,
                tailBytes,
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                0,
                tail.length);

        GGUFWriter w = new GGUFWriter().putString("general.name", "large");
        w.addTensor("head", GGMLType.F32, new long[] {8}, tailBytes);
        w.addTensor("big", GGMLType.I8, new long[] {big / 2, 2}, sink -> {
            for (long left = big; left > 0; left -= zeros.byteSize()) {
                sink.write(zeros.asSlice(0, Math.min(left, zeros.byteSize())));
            }
        });
        w.addTensor("tail", GGMLType.F32, new long[] {8}, tailBytes);
        Path p = dir.resolve("large.gguf");
        try {
            w.write(p);
            assertTrue(Files.size(p) > big, "file is above 2 GB: " + Files.size(p));
            try (GGUFFile f = GGUFFile.open(p)) {
                TensorInfo t = f.tensor("tail");
                assertTrue(
                        f.dataOffset() + t.offset() > 1L << 31,
                        "tail placed after 2^31: " + (f.dataOffset() + t.offset()));
                MemorySegment data = f.tensorData(t);
                for (int i = 0; i < tail.length; i++) {
                    assertEquals(
                            tail[i],
                            data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i));
                }
                MemorySegment b = f.tensorData(f.tensor("big"));
                assertEquals(big, b.byteSize());
                assertEquals(0, b.get(ValueLayout.JAVA_BYTE, big - 1));
                assertEquals(f.fileSize(), f.dataOffset() + t.offset() + t.byteSize());
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
