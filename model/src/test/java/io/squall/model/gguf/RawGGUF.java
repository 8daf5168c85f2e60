package io.squall.model.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes field by field, so tests can place exactly the malformation they check. */
final class RawGGUF {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static RawGGUF header(int version, long tensorCount, long kvCount) {
        return new RawGGUF().u32(GGUFFile.MAGIC).u32(version).u64(tensorCount).u64(kvCount);
    }

    int position() {
        return out.size();
    }

    RawGGUF u8(int v) {
        out.write(v);
        return this;
    }

    RawGGUF u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    RawGGUF u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGGUF str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A key with a UINT32 value. */
    RawGGUF kvU32(String key, int v) {
        return str(key).u32(GGUFValueType.UINT32.id()).u32(v);
    }

    /** A tensor info: name, dims, type id, data offset. */
    RawGGUF tensor(String name, long[] dims, int type, long offset) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Pads with zeros to a multiple of {@code alignment}. */
    RawGGUF align(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    RawGGUF zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }
}
