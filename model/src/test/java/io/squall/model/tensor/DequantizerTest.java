package io.squall.model.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built blocks with known bytes, decoded to values worked out from the layout by hand. */
class DequantizerTest {
    private static MemorySegment bytes(int... b) {
        MemorySegment s = Arena.ofAuto().allocate(b.length);
        for (int i = 0; i < b.length; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) b[i]);
        }
        return s;
    }

    private static float[] decode(GGMLType type, MemorySegment s, int count) {
        float[] out = new float[count];
        Dequantizer.dequantize(type, s, 0, out, 0, count);
        return out;
    }

    @Test
    void q8_0_scaleIsLittleEndianHalfAndQuantsAreSigned() {
        int[] b = new int[34];
        b[0] = 0x00;
        b[1] = 0x38; // f16 0x3800 = 0.5
        for (int j = 0; j < 32; j++) {
            b[2 + j] = j * 8 - 128; // -128, -120, ..., 120
        }
        float[] v = decode(GGMLType.Q8_0, bytes(b), 32);
        for (int j = 0; j < 32; j++) {
            assertEquals(0.5f * (j * 8 - 128), v[j], "element " + j);
        }
    }

    @Test
    void q4_0_lowNibblesAreFirstHalfHighNibblesSecondHalf() {
        int[] b = new int[18];
        b[0] = 0x00;
        b[1] = 0x40; // 2.0
        for (int j = 0; j < 16; j++) {
            b[2 + j] = j | ((15 - j) << 4);
        }
        float[] v = decode(GGMLType.Q4_0, bytes(b), 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(2.0f * (j - 8), v[j], "element " + j);
            assertEquals(2.0f * (15 - j - 8), v[16 + j], "element " + (16 + j));
        }
    }

    @Test
    void q4_K_sixBitScalesAndMinsPackedAsGgml() {
        // sub-block scales 3,17,33,63,40,5,62,20 and mins 0,1,2,3,50,60,33,16 packed by hand:
        // bytes 0-3: scale j | (scale j+4 >> 4) << 6; bytes 4-7: min j | (min j+4 >> 4) << 6;
        // bytes 8-11: (scale j+4 & 15) | (min j+4 & 15) << 4.
        int[] scales = {0x83, 0x11, 0xE1, 0x7F, 0xC0, 0xC1, 0x82, 0x43, 0x28, 0xC5, 0x1E, 0x04};
        int[] sc = {3, 17, 33, 63, 40, 5, 62, 20};
        int[] mn = {0, 1, 2, 3, 50, 60, 33, 16};
        int[] b = new int[144];
        b[0] = 0x00;
        b[1] = 0x3C; // d = 1.0
        b[2] = 0x00;
        b[3] = 0x38; // dmin = 0.5
        System.arraycopy(scales, 0, b, 4, 12);
        for (int i = 0; i < 128; i++) {
            b[16 + i] = (i * 7 + 3) & 0xFF;
        }
        float[] v = decode(GGMLType.Q4_K, bytes(b), 256);
        for (int e = 0; e < 256; e++) {
            int sub = e / 32;
            int qsByte = b[16 + 32 * (sub / 2) + e % 32];
            int q = sub % 2 == 0 ? qsByte & 15 : qsByte >> 4;
            assertEquals(1.0f * sc[sub] * q - 0.5f * mn[sub], v[e], "element " + e + " (sub-block " + sub + ")");
        }
        // The test's own reference decoder agrees with the hand-packed scales.
        byte[] raw = bytes(b).toArray(ValueLayout.JAVA_BYTE);
        for (int j = 0; j < 8; j++) {
            assertArrayEquals(new int[] {sc[j], mn[j]}, ScalarReference.q4kScaleMin(raw, 4, j), "sub-block " + j);
        }
    }

    @Test
    void q6_K_lowNibblesHighBitsAndSignedScales() {
        int[] b = new int[210];
        for (int i = 0; i < 128; i++) {
            b[i] = (i * 37 + 11) & 0xFF; // ql
        }
        for (int i = 0; i < 64; i++) {
            b[128 + i] = (i * 73 + 5) & 0xFF; // qh
        }
        int[] sc = {1, -2, 3, -4, 5, -6, 7, -8, 127, -128, 11, -12, 13, -14, 15, -16};
        for (int i = 0; i < 16; i++) {
            b[192 + i] = sc[i];
        }
        b[208] = 0x00;
        b[209] = 0x34; // d = 0.25
        float[] v = decode(GGMLType.Q6_K, bytes(b), 256);
        // element e: half h = e/128, quarter k = (e%128)/32, l = e%32; low 4 bits from ql[64h + 32(k%2) + l]
        // (low nibble for k < 2, high for k >= 2), bits 4-5 from qh[32h + l] >> 2k; scale index e/16.
        for (int e = 0; e < 256; e++) {
            int h = e / 128;
            int k = (e % 128) / 32;
            int l = e % 32;
            int qlByte = b[64 * h + 32 * (k % 2) + l];
            int low = k < 2 ? qlByte & 15 : qlByte >> 4;
            int high = (b[128 + 32 * h + l] >> (2 * k)) & 3;
            float expected = 0.25f * sc[e / 16] * ((low | high << 4) - 32);
            assertEquals(expected, v[e], 1e-6f * Math.abs(expected), "element " + e);
        }
    }

    @Test
    void halfAndBfloat16SpecialValues() {
        int[] halves = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x3555};
        float[] expected = {
            1f,
            -2f,
            65504f,
            0x1p-24f,
            1023 * 0x1p-24f,
            -0f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            (float) ScalarReference.halfToDouble(0x3555)
        };
        int[] b = new int[halves.length * 2];
        for (int i = 0; i < halves.length; i++) {
            b[2 * i] = halves[i] & 0xFF;
            b[2 * i + 1] = halves[i] >> 8;
        }
        float[] v = decode(GGMLType.F16, bytes(b), halves.length);
        for (int i = 0; i < halves.length; i++) {
            assertEquals(expected[i], v[i], "half 0x" + Integer.toHexString(halves[i]));
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v[5]), "negative zero keeps its sign");
        float[] bf = decode(GGMLType.BF16, bytes(0x80, 0x3F, 0xA0, 0xC0), 2);
        assertArrayEquals(new float[] {1f, -5f}, bf);
    }

    @Test
    void partialRangesAcrossBlocksMatchWholeDecode() {
        for (GGMLType type : new GGMLType[] {
            GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K, GGMLType.F16, GGMLType.BF16, GGMLType.F32
        }) {
            float[] values = TensorTestData.gaussian(1024, 7);
            MemorySegment q = Quantizer.quantize(type, values);
            float[] all = decode(type, q, 1024);
            float[] part = new float[600 + 3];
            Dequantizer.dequantize(type, q, 77, part, 3, 600);
            for (int i = 0; i < 600; i++) {
                assertEquals(all[77 + i], part[3 + i], type + " element " + (77 + i));
            }
        }
    }

    @Test
    void rangesBeyondTheDataAreRejected() {
        MemorySegment q = Quantizer.quantize(GGMLType.Q8_0, new float[64]);
        IndexOutOfBoundsException e = assertThrows(
                IndexOutOfBoundsException.class,
                () -> Dequantizer.dequantize(GGMLType.Q8_0, q, 40, new float[64], 0, 64));
        assertTrue(e.getMessage().contains("need 136 bytes"), e.getMessage());
        IllegalArgumentException u = assertThrows(
                IllegalArgumentException.class,
                () -> Dequantizer.dequantize(GGMLType.Q8_1, q, 0, new float[32], 0, 32));
        assertTrue(u.getMessage().contains("Q8_1"), u.getMessage());
    }
}
