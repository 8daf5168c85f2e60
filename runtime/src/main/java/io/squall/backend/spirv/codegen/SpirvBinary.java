package io.squall.backend.spirv.codegen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A SPIR-V module with one kernel entry point, as words and as the little-endian bytes drivers and tools take. */
public record SpirvBinary(String entryName, int[] words) {
    public SpirvBinary {
        words = words.clone();
    }

    @Override
    public int[] words() {
        return words.clone();
    }

    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(words);
        return b.array();
    }

    /** The module's SPIR-V version as "major.minor". */
    public String version() {
        return (words[1] >> 16 & 0xff) + "." + (words[1] >> 8 & 0xff);
    }

    /** The capabilities the module declares. */
    public java.util.Set<Integer> capabilities() {
        java.util.Set<Integer> caps = new java.util.LinkedHashSet<>();
        for (int i = 5; i < words.length && (words[i] >>> 16) > 0; i += words[i] >>> 16) {
            if ((words[i] & 0xffff) == Op.Capability.code) {
                caps.add(words[i + 1]);
            }
        }
        return caps;
    }

    /** Words from little-endian bytes (a .spv file); a clear error when they are not a SPIR-V module. */
    public static SpirvBinary fromBytes(String entryName, byte[] bytes) {
        if (bytes.length < 20 || bytes.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "not a SPIR-V module: " + bytes.length + " bytes (a module is a header of 5 words and more)");
        }
        int[] w = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(w);
        if (w[0] != Spv.MAGIC) {
            throw new IllegalArgumentException(
                    "not a SPIR-V module: magic number 0x" + Integer.toHexString(w[0]) + " at offset 0");
        }
        return new SpirvBinary(entryName, w);
    }
}
