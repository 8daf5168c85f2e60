package io.squall.model.tokenizer.convert;

import io.squall.model.tokenizer.TokenType;
import io.squall.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama2.c's {@code tokenizer.bin}: int32 max_token_length, then per token float32 score, int32 length and
 * the bytes. llama2.c's exporter wrote spaces for U+2581 and {@code "\n<s>\n"} / {@code "\n</s>\n"} for BOS and
 * EOS; both are undone here so the vocabulary matches the SentencePiece model it came from.
 * Ids 0, 1, 2 are unknown, BOS, EOS.
 */
final class Llama2cTokenizerFile {
    private static final int MAX_TOKEN_BYTES = 1 << 16;

    private Llama2cTokenizerFile() {}

    static Vocabulary read(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) throw error(path, 0, "file shorter than its 4-byte header");
        int maxLength = buf.getInt();
        if (maxLength <= 0 || maxLength > MAX_TOKEN_BYTES)
            throw error(path, 0, "max_token_length " + maxLength + " is not plausible");
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (buf.hasRemaining()) {
            int at = buf.position();
            if (buf.remaining() < 8) throw error(path, at, "token " + tokens.size() + " truncated in its score/length");
            float score = buf.getFloat();
            int length = buf.getInt();
            if (length < 0 || length > maxLength + 8 || length > buf.remaining())
                throw error(
                        path,
                        at + 4,
                        "token " + tokens.size() + " has length " + length + " (max_token_length " + maxLength + ", "
                                + buf.remaining() + " bytes left)");
            byte[] bytes = new byte[length];
            buf.get(bytes);
            tokens.add(new String(bytes, StandardCharsets.UTF_8).replace(' ', '\u2581'));
            scores.add(score);
        }
        if (tokens.size() < 3)
            throw error(path, buf.position(), "only " + tokens.size() + " tokens; need <unk>, BOS, EOS");
        String[] t = tokens.toArray(String[]::new);
        t[1] = t[1].strip(); // "\n<s>\n" -> "<s>"
        t[2] = t[2].strip();
        float[] s = new float[t.length];
        int[] types = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            s[i] = scores.get(i);
            types[i] = i == 0
                    ? TokenType.UNKNOWN.id()
                    : i <= 2 ? TokenType.CONTROL.id() : isByteToken(t[i]) ? TokenType.BYTE.id() : TokenType.NORMAL.id();
        }
        return new Vocabulary(Vocabulary.SPM, null, t, s, types, null, 1, 2, 0, -1, true, false, true, null);
    }

    static boolean isByteToken(String t) {
        return t.length() == 6
                && t.startsWith("<0x")
                && t.endsWith(">")
                && Character.digit(t.charAt(3), 16) >= 0
                && Character.digit(t.charAt(4), 16) >= 0;
    }

    private static IOException error(Path path, int offset, String problem) {
        return new IOException(path + ": invalid llama2.c tokenizer at byte " + offset + ": " + problem);
    }
}
