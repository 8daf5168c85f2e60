package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GGUFRoundTripTest {

    @TempDir
    Path dir;

    /** One value of every scalar type, every array element type, nested arrays and a big array. */
    static GGUFWriter allTypes(GGUFWriter w) {
        w.put("u8", new GGUFValue(GGUFValueType.UINT8, (short) 255));
        w.put("i8", new GGUFValue(GGUFValueType.INT8, (byte) -128));
        w.put("u16", new GGUFValue(GGUFValueType.UINT16, 65535));
        w.put("i16", new GGUFValue(GGUFValueType.INT16, (short) -32768));
        w.putUInt32("u32", 0xFFFF_FFFF);
        w.putInt32("i32", Integer.MIN_VALUE);
        w.putFloat32("f32", 1e-5f);
        w.putBool("bool.t", true);
        w.putBool("bool.f", false);
        w.putString("str", "Llama 模型系列介紹 🦙");
        w.putString("empty", "");
        w.putUInt64("u64", -1L);
        w.putInt64("i64", Long.MIN_VALUE);
        w.putFloat64("f64", Math.PI);
        w.putArray("a.u8", new GGUFArray(GGUFValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        w.putArray("a.i8", new GGUFArray(GGUFValueType.INT8, new byte[] {-1, 2}));
        w.putArray("a.u16", new GGUFArray(GGUFValueType.UINT16, new short[] {(short) 65535, 7}));
        w.putArray("a.i16", new GGUFArray(GGUFValueType.INT16, new short[] {-3}));
        w.putArray("a.u32", new GGUFArray(GGUFValueType.UINT32, new int[] {-1, 5}));
        w.putInt32Array("a.i32", new int[] {1, -2, 3});
        w.putFloat32Array("a.f32", new float[] {0.5f, Float.NaN, -0f});
        w.putArray("a.bool", new GGUFArray(GGUFValueType.BOOL, new boolean[] {true, false, true}));
        w.putStringArray("a.str", new String[] {"a", "", "<0x0A>", "▁the"});
        w.putArray("a.u64", new GGUFArray(GGUFValueType.UINT64, new long[] {-1L}));
        w.putArray("a.i64", new GGUFArray(GGUFValueType.INT64, new long[] {Long.MAX_VALUE, 0}));
        w.putArray("a.f64", new GGUFArray(GGUFValueType.FLOAT64, new double[] {1.25, -2.5}));
        w.putArray("a.empty", new GGUFArray(GGUFValueType.INT32, new int[0]));
        GGUFArray inner1 = new GGUFArray(GGUFValueType.STRING, new String[] {"x", "y"});
        GGUFArray inner2 = new GGUFArray(GGUFValueType.FLOAT32, new float[] {3f});
        GGUFArray mid = new GGUFArray(GGUFValueType.ARRAY, new GGUFArray[] {inner1, inner2});
        w.putArray("a.nested", new GGUFArray(GGUFValueType.ARRAY, new GGUFArray[] {
            mid, new GGUFArray(GGUFValueType.ARRAY, new GGUFArray[0])
        }));
        int[] big = new int[300_000];
        String[] bigStrings = new String[50_000];
        Random r = new Random(1);
        for (int i = 0; i < big.length; i++) {
            big[i] = r.nextInt();
        }
        for (int i = 0; i < bigStrings.length; i++) {
            bigStrings[i] = "tok" + i + (char) ('a' + r.nextInt(26));
        }
        w.putInt32Array("a.big", big);
        w.putStringArray("a.bigstr", bigStrings);
        return w;
    }

    static MemorySegment floats(Arena arena, int n, long seed) {
        MemorySegment s = arena.allocate(4L * n);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, r.nextFloat());
        }
        return s;
    }

    @Test
    void everyValueTypeAndTensorsRoundTrip() throws Exception {
        for (int version : new int[] {2, 3}) {
            try (Arena arena = Arena.ofConfined()) {
                GGUFWriter w = allTypes(new GGUFWriter().version(version));
                MemorySegment a = floats(arena, 6 * 5, 1);
                MemorySegment b = arena.allocate(GGMLType.Q8_0.byteSize(64 * 3));
                for (long i = 0; i < b.byteSize(); i++) {
                    b.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
                }
                MemorySegment c = floats(arena, 7, 2);
                w.addTensor("a", GGMLType.F32, new long[] {6, 5}, a);
                w.addTensor("b.q8", GGMLType.Q8_0, new long[] {64, 3}, b);
                w.addTensor("c", GGMLType.F32, new long[] {7, 1, 1, 1}, sink -> {
                    sink.write(c.asSlice(0, 8));
                    sink.write(c.asSlice(8));
                });
                Path p = dir.resolve("all-v" + version + ".gguf");
                w.write(p);
                try (GGUFFile f = GGUFFile.open(p)) {
                    assertEquals(version, f.version());
                    assertEquals(32, f.alignment());
                    assertEquals(0, f.dataOffset() % 32);
                    assertEquals(
                            List.copyOf(w.metadata().keySet()),
                            List.copyOf(f.metadata().keySet()),
                            "key order kept");
                    for (Map.Entry<String, GGUFValue> e : w.metadata().entrySet()) {
                        assertEquals(e.getValue(), f.metadata().get(e.getKey()), e.getKey());
                    }
                    assertEquals(255, f.getInt("u8"));
                    assertEquals(-128, f.getInt("i8"));
                    assertEquals(65535, f.getInt("u16"));
                    assertEquals(0xFFFF_FFFFL, f.getLong("u32"));
                    assertThrows(IllegalArgumentException.class, () -> f.getInt("u32"));
                    assertThrows(IllegalArgumentException.class, () -> f.getLong("u64"));
                    assertEquals(Long.MIN_VALUE, f.getLong("i64"));
                    assertEquals(1e-5f, f.getFloat("f32"));
                    assertEquals((float) Math.PI, f.getFloat("f64"));
                    assertTrue(f.getBoolean("bool.t"));
                    assertFalse(f.getBoolean("bool.f"));
                    assertEquals("Llama 模型系列介紹 🦙", f.getString("str"));
                    assertArrayEquals(new String[] {"a", "", "<0x0A>", "▁the"}, f.getStringArray("a.str"));
                    assertArrayEquals(new int[] {0, 1, 255}, f.getIntArray("a.u8"));
                    assertArrayEquals(new int[] {65535, 7}, f.getIntArray("a.u16"));
                    assertArrayEquals(new int[] {-1, 2}, f.getIntArray("a.i8"));
                    assertArrayEquals(new float[] {1.25f, -2.5f}, f.getFloatArray("a.f64"));
                    assertEquals(300_000, f.getIntArray("a.big").length);
                    GGUFArray nested = f.getArray("a.nested");
                    GGUFArray mid = ((GGUFArray[]) nested.values())[0];
                    assertEquals(GGUFValueType.STRING, ((GGUFArray[]) mid.values())[0].elementType());
                    assertEquals("dflt", f.getString("absent", "dflt"));
                    assertEquals(7, f.getInt("absent", 7));

                    assertEquals(3, f.tensors().size());
                    TensorInfo ta = f.tensor("a");
                    assertArrayEquals(new long[] {6, 5}, ta.dims());
                    assertEquals(30, ta.elementCount());
                    assertEquals(120, ta.byteSize());
                    assertEquals(0, ta.offset());
                    assertEquals(128, f.tensor("b.q8").offset(), "offset padded to the alignment");
                    assertEquals(GGMLType.Q8_0, f.tensor("b.q8").type());
                    assertNull(f.tensor("nope"));
                    assertEquals(-1, f.tensorData(ta).mismatch(a));
                    assertEquals(-1, f.tensorData(f.tensor("b.q8")).mismatch(b));
                    assertEquals(-1, f.tensorData(f.tensor("c")).mismatch(c));
                    assertTrue(f.tensorData(ta).isReadOnly());
                    // Re-writing what was read gives the same bytes.
                    GGUFWriter w2 = new GGUFWriter().version(version);
                    w2.putAll(f, "");
                    for (TensorInfo t : f.tensors()) {
                        w2.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
                    }
                    Path p2 = dir.resolve("again-v" + version + ".gguf");
                    w2.write(p2);
                    assertEquals(-1, Files.mismatch(p, p2));
                }
            }
        }
    }

    @Test
    void customAlignmentAndVocabularyOnlyFile() throws Exception {
        GGUFWriter w = new GGUFWriter();
        w.putUInt32("general.alignment", 64);
        w.putString("general.architecture", "llama");
        Path vocab = dir.resolve("vocab.gguf");
        w.write(vocab);
        try (GGUFFile f = GGUFFile.open(vocab)) {
            assertEquals(64, f.alignment());
            assertTrue(f.tensors().isEmpty());
        }
        try (Arena arena = Arena.ofConfined()) {
            w.addTensor("t1", GGMLType.F32, new long[] {3}, floats(arena, 3, 3));
            w.addTensor("t2", GGMLType.F32, new long[] {5}, floats(arena, 5, 4));
            Path p = dir.resolve("aligned.gguf");
            w.write(p);
            try (GGUFFile f = GGUFFile.open(p)) {
                assertEquals(64, f.alignment());
                assertEquals(0, f.dataOffset() % 64);
                assertEquals(64, f.tensor("t2").offset());
            }
        }
    }

    @Test
    void writerRejectsBadTensors() {
        GGUFWriter w = new GGUFWriter();
        MemorySegment four = MemorySegment.ofArray(new byte[4]);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", GGMLType.F32, new long[] {2}, four));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GGMLType.Q8_0, new long[] {16}, four));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("z", GGMLType.F32, new long[] {0}, four));
        assertThrows(
                IllegalArgumentException.class, () -> w.addTensor("d", GGMLType.F32, new long[] {1, 1, 1, 1, 1}, four));
        w.addTensor("ok", GGMLType.F32, new long[] {1}, four);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("ok", GGMLType.F32, new long[] {1}, four));
        assertThrows(IllegalArgumentException.class, () -> w.putUInt32("general.alignment", 48));
        assertThrows(IllegalArgumentException.class, () -> new GGUFValue(GGUFValueType.UINT8, (short) 256));
        assertThrows(IllegalArgumentException.class, () -> new GGUFValue(GGUFValueType.STRING, 3));
    }

    @Test
    void gettersNameMissingKeysAndWrongTypes() throws Exception {
        Path p = dir.resolve("m.gguf");
        new GGUFWriter()
                .putString("general.architecture", "llama")
                .putFloat32("x", 1f)
                .write(p);
        try (GGUFFile f = GGUFFile.open(p)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> f.getInt("llama.block_count"));
            assertTrue(e.getMessage().contains("missing required metadata key 'llama.block_count'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.getInt("general.architecture"));
            assertTrue(
                    e.getMessage().contains("'general.architecture' is STRING, expected an integer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.getStringArray("x"));
            assertTrue(e.getMessage().contains("'x' is FLOAT32"), e.getMessage());
        }
    }
}
