package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every kind of malformed file gives a GGUFFormatException naming the problem and where it is. */
class GGUFMalformedTest {

    @TempDir
    Path dir;

    private static final int F32 = GGMLType.F32.id();

    private static GGUFFormatException fails(byte[] bytes, String expectedMessagePart, long expectedOffset) {
        GGUFFormatException e =
                assertThrows(GGUFFormatException.class, () -> GGUFFile.read(MemorySegment.ofArray(bytes), "bad.gguf"));
        assertTrue(
                e.getMessage().contains(expectedMessagePart),
                "message '" + e.getMessage() + "' lacks '" + expectedMessagePart + "'");
        assertTrue(e.getMessage().startsWith("bad.gguf: "), e.getMessage());
        assertEquals(expectedOffset, e.offset(), e.getMessage());
        if (expectedOffset >= 0) {
            assertTrue(e.getMessage().contains("at byte offset " + expectedOffset), e.getMessage());
        }
        return e;
    }

    /** A valid file: one key, two F32 tensors of 4 elements. */
    private static RawGGUF valid() {
        return RawGGUF.header(3, 2, 1)
                .kvU32("k", 1)
                .tensor("a", new long[] {4}, F32, 0)
                .tensor("b", new long[] {4}, F32, 32)
                .align(32)
                .zeros(32 + 16);
    }

    @Test
    void validBaselineParses() throws Exception {
        try (GGUFFile f = GGUFFile.read(valid().segment(), "ok.gguf")) {
            assertEquals(2, f.tensors().size());
            assertEquals(1, f.getInt("k"));
        }
    }

    @Test
    void badMagic() {
        byte[] b = valid().bytes();
        b[3] = 'X';
        fails(b, "bad magic \"GGUX\"", 0);
        fails(new byte[] {'G', 'G'}, "truncated: magic", 0);
        fails(new byte[0], "truncated: magic", 0);
    }

    @Test
    void unsupportedVersions() {
        fails(RawGGUF.header(1, 0, 0).bytes(), "GGUF version 1 is not supported", 4);
        fails(RawGGUF.header(4, 0, 0).bytes(), "unsupported GGUF version 4", 4);
        fails(RawGGUF.header(0x03000000, 0, 0).bytes(), "big-endian", 4);
    }

    @Test
    void truncationAnywhereIsAnError() {
        byte[] full = valid().bytes();
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            try {
                GGUFFile.read(MemorySegment.ofArray(cut), "cut.gguf");
                fail("a file cut to " + n + " of " + full.length + " bytes was accepted");
            } catch (GGUFFormatException e) {
                assertTrue(
                        e.getMessage().contains("truncated")
                                || e.getMessage().contains("beyond the end")
                                || e.getMessage().contains("absurd"),
                        e.getMessage());
            }
        }
        // Cut inside the key: names what was being read.
        fails(
                RawGGUF.header(3, 0, 1).str("longer.key").bytes(),
                "truncated: value type of 'longer.key' needs 4 bytes but only 0 remain",
                42);
        // Cut in the data: names the tensor.
        fails(java.util.Arrays.copyOf(full, full.length - 1), "data of tensor 'b'", 128 + 32);
    }

    @Test
    void absurdCountsAndLengthsAreRejectedBeforeAllocating() {
        fails(RawGGUF.header(3, 1L << 40, 0).bytes(), "absurd tensor count 1099511627776", 8);
        fails(RawGGUF.header(3, 0, -1L).bytes(), "absurd metadata count 18446744073709551615", 16);
        fails(
                RawGGUF.header(3, 0, 1).u64(1L << 62).zeros(20).bytes(),
                "absurd length 4611686018427387904 of key of metadata entry 0",
                24);
        byte[] hugeArray = RawGGUF.header(3, 0, 1)
                .str("arr")
                .u32(GGUFValueType.ARRAY.id())
                .u32(GGUFValueType.INT32.id())
                .u64(1_000_000_000_000L)
                .zeros(16)
                .bytes();
        fails(hugeArray, "absurd element count of array 'arr' 1000000000000", 24 + 8 + 3 + 4 + 4);
        byte[] stringArray = RawGGUF.header(3, 0, 1)
                .str("s")
                .u32(GGUFValueType.ARRAY.id())
                .u32(GGUFValueType.STRING.id())
                .u64(2)
                .str("ok")
                .u64(Long.MAX_VALUE)
                .bytes();
        fails(stringArray, "absurd length 9223372036854775807 of element 1 of array 's'", 24 + 8 + 1 + 4 + 4 + 8 + 10);
        byte[] longString = RawGGUF.header(3, 0, 1)
                .str("s")
                .u32(GGUFValueType.STRING.id())
                .u64(100)
                .zeros(10)
                .bytes();
        fails(longString, "absurd length 100 of value of 's': only 10 bytes remain", 24 + 8 + 1 + 4);
    }

    @Test
    void arraysAndStringsBeyondTheSanityCapsAreRejectedEvenWhenTheBytesExist() {
        long n = GGUFFile.MAX_ARRAY_ELEMENTS + 1;
        try (Arena arena = Arena.ofConfined()) {
            byte[] head = RawGGUF.header(3, 0, 1)
                    .str("arr")
                    .u32(GGUFValueType.ARRAY.id())
                    .u32(GGUFValueType.UINT8.id())
                    .u64(n)
                    .bytes();
            MemorySegment file = arena.allocate(head.length + n);
            MemorySegment.copy(MemorySegment.ofArray(head), 0, file, 0, head.length);
            GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> GGUFFile.read(file, "big.gguf"));
            assertTrue(
                    e.getMessage().contains("more than the 67108864 elements a metadata array may have"),
                    e.getMessage());
            assertEquals(24 + 11 + 4 + 4, e.offset());
            byte[] head2 = RawGGUF.header(3, 0, 1)
                    .str("s")
                    .u32(GGUFValueType.STRING.id())
                    .u64(n)
                    .bytes();
            MemorySegment.copy(MemorySegment.ofArray(head2), 0, file, 0, head2.length);
            e = assertThrows(
                    GGUFFormatException.class, () -> GGUFFile.read(file.asSlice(0, head2.length + n), "big.gguf"));
            assertTrue(e.getMessage().contains("bytes a metadata string may have"), e.getMessage());
        }
    }

    @Test
    void unknownTypes() {
        fails(RawGGUF.header(3, 0, 1).str("k").u32(13).u32(0).bytes(), "unknown value type 13 for key 'k'", 24 + 9);
        fails(
                RawGGUF.header(3, 0, 1).str("k").u32(9).u32(99).u64(0).bytes(),
                "unknown value type 99 for key 'k'",
                24 + 9 + 4);
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {4}, 99, 0)
                        .align(32)
                        .zeros(16)
                        .bytes(),
                "tensor 'w' has unknown tensor type id 99",
                24 + 9 + 4 + 8);
        fails(
                RawGGUF.header(3, 0, 1)
                        .str("k")
                        .u32(GGUFValueType.BOOL.id())
                        .u8(2)
                        .bytes(),
                "invalid BOOL value 2 for key 'k'",
                24 + 13);
    }

    @Test
    void badTensorShapes() {
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {4, 0}, F32, 0)
                        .align(32)
                        .zeros(16)
                        .bytes(),
                "tensor 'w' has dimension 1 = 0, expected > 0",
                24 + 9 + 4 + 8);
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {-4}, F32, 0)
                        .align(32)
                        .zeros(16)
                        .bytes(),
                "tensor 'w' has dimension 0 = -4",
                24 + 9 + 4);
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {1, 1, 1, 1, 1}, F32, 0)
                        .align(32)
                        .zeros(16)
                        .bytes(),
                "tensor 'w' has 5 dimensions, expected 1 to 4",
                24 + 9);
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {16, 2}, GGMLType.Q8_0.id(), 0)
                        .align(32)
                        .zeros(64)
                        .bytes(),
                "tensor 'w' of type Q8_0 has ne0 = 16, not a multiple of the block size 32",
                24 + 9);
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {1L << 32, 1L << 32, 1L << 32}, F32, 0)
                        .align(32)
                        .bytes(),
                "tensor 'w' has an absurd element count",
                24 + 9 + 4 + 8);
    }

    @Test
    void misplacedTensorData() {
        fails(
                RawGGUF.header(3, 1, 0)
                        .tensor("w", new long[] {4}, F32, 4)
                        .align(32)
                        .zeros(64)
                        .bytes(),
                "data offset 4 of tensor 'w' is not a multiple of the alignment 32",
                24 + 9 + 4 + 8 + 4);
        byte[] outOfBounds = RawGGUF.header(3, 1, 0)
                .tensor("w", new long[] {4}, F32, 64)
                .align(32)
                .zeros(64)
                .bytes();
        fails(
                outOfBounds,
                "data of tensor 'w' (16 bytes at data offset 64) extends beyond the end of the file (128 bytes)",
                64 + 64);
        byte[] overlapping = RawGGUF.header(3, 2, 0)
                .tensor("a", new long[] {16}, F32, 0)
                .tensor("b", new long[] {4}, F32, 32)
                .align(32)
                .zeros(64)
                .bytes();
        fails(overlapping, "tensor 'b' (data offset 32) overlaps tensor 'a' (data offset 0, 64 bytes)", 96 + 32);
        byte[] dupTensor = RawGGUF.header(3, 2, 0)
                .tensor("a", new long[] {4}, F32, 0)
                .tensor("a", new long[] {4}, F32, 32)
                .align(32)
                .zeros(64)
                .bytes();
        fails(dupTensor, "duplicate tensor name 'a'", 24 + 33);
    }

    @Test
    void metadataProblems() {
        fails(RawGGUF.header(3, 0, 2).kvU32("k", 1).kvU32("k", 2).bytes(), "duplicate metadata key 'k'", 24 + 17);
        fails(
                RawGGUF.header(3, 0, 1).kvU32("general.alignment", 48).bytes(),
                "'general.alignment' = 48 is not a power of two",
                -1);
        fails(RawGGUF.header(3, 0, 1).kvU32("general.alignment", 0).bytes(), "'general.alignment' = 0", -1);
        RawGGUF deep = RawGGUF.header(3, 0, 1).str("n").u32(GGUFValueType.ARRAY.id());
        for (int i = 0; i < 40; i++) {
            deep.u32(GGUFValueType.ARRAY.id()).u64(1);
        }
        deep.u32(GGUFValueType.INT32.id()).u64(0);
        fails(deep.bytes(), "arrays nested deeper than 32 levels", 24 + 9 + 4 + 32 * 12);
    }

    @Test
    void openReportsTheFileAndClosesCleanly() throws Exception {
        Path p = dir.resolve("junk.gguf");
        Files.write(p, "not a gguf file at all".getBytes());
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> GGUFFile.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        Path empty = dir.resolve("empty.gguf");
        Files.write(empty, new byte[0]);
        assertThrows(GGUFFormatException.class, () -> GGUFFile.open(empty));
        Path good = dir.resolve("good.gguf");
        Files.write(good, valid().bytes());
        GGUFFile f = GGUFFile.open(good);
        MemorySegment data = f.tensorData(f.tensor("b"));
        f.close();
        assertThrows(
                IllegalStateException.class,
                () -> data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0),
                "unmapped after close");
        try (Arena a = Arena.ofConfined()) {
            assertEquals(16, a.allocate(16).byteSize());
        }
    }
}
