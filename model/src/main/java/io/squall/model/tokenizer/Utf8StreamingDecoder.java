package io.squall.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Streams token bytes out as text, holding back the bytes of a UTF-8 sequence that is not complete yet. */
final class Utf8StreamingDecoder implements StreamingDecoder {
    private final IntFunction<byte[]> bytesOf;
    private byte[] pending = new byte[0];

    Utf8StreamingDecoder(IntFunction<byte[]> bytesOf) {
        this.bytesOf = bytesOf;
    }

    @Override
    public String push(int id) {
        byte[] piece = bytesOf.apply(id);
        if (piece.length == 0) return "";
        ByteArrayOutputStream all = new ByteArrayOutputStream(pending.length + piece.length);
        all.writeBytes(pending);
        all.writeBytes(piece);
        byte[] bytes = all.toByteArray();
        int complete = completePrefix(bytes);
        pending = Arrays.copyOfRange(bytes, complete, bytes.length);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    @Override
    public String flush() {
        String rest = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /** Length of the longest prefix that does not end inside a (still possibly valid) multi-byte sequence. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // A lead byte is at most 3 bytes before the end; look back for it.
        for (int back = 1; back <= Math.min(4, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int length = c < 0xC2 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 1;
            return back < length ? n - back : n; // incomplete sequence: hold it back
        }
        return n; // only continuation bytes: invalid, let the decoder replace them
    }
}
