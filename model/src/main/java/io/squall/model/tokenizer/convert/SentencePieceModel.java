package io.squall.model.tokenizer.convert;

import io.squall.model.tokenizer.TokenType;
import io.squall.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SentencePiece's {@code ModelProto} (the {@code tokenizer.model} protobuf) far enough to build a vocabulary:
 * the pieces (piece, score, type), the trainer spec's model type, byte_fallback and special ids, and the
 * normalizer spec's add_dummy_prefix. Field numbers are those of sentencepiece_model.proto.
 */
final class SentencePieceModel {
    private static final int MODEL_BPE = 2;

    private final Path path;
    private final ByteBuffer buf;

    private SentencePieceModel(Path path, byte[] bytes) {
        this.path = path;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static Vocabulary read(Path path) throws IOException {
        return new SentencePieceModel(path, Files.readAllBytes(path)).parse();
    }

    private Vocabulary parse() throws IOException {
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        int modelType = 1, unk = 0, bos = 1, eos = 2;
        boolean addDummyPrefix = true;
        int end = buf.limit();
        while (buf.position() < end) {
            long key = varint(end);
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            if (field == 1 && wire == 2) { // repeated SentencePiece pieces
                int limit = messageEnd(end);
                String piece = null;
                float score = 0;
                int type = TokenType.NORMAL.id();
                while (buf.position() < limit) {
                    long k = varint(limit);
                    int f = (int) (k >>> 3), w = (int) (k & 7);
                    if (f == 1 && w == 2) piece = string(limit);
                    else if (f == 2 && w == 5) score = fixed32(limit);
                    else if (f == 3 && w == 0) type = (int) varint(limit);
                    else skip(w, limit);
                }
                if (piece == null) throw error("piece " + pieces.size() + " has no text");
                if (type < 1 || type > 6)
                    throw error("piece " + pieces.size() + " ('" + piece + "') has unknown type " + type);
                pieces.add(piece);
                scores.add(score);
                types.add(type);
            } else if (field == 2 && wire == 2) { // TrainerSpec
                int limit = messageEnd(end);
                while (buf.position() < limit) {
                    long k = varint(limit);
                    int f = (int) (k >>> 3), w = (int) (k & 7);
                    if (w == 0 && f == 3) modelType = (int) varint(limit);
                    else if (w == 0 && f == 40) unk = (int) varint(limit);
                    else if (w == 0 && f == 41) bos = (int) varint(limit);
                    else if (w == 0 && f == 42) eos = (int) varint(limit);
                    else skip(w, limit);
                }
            } else if (field == 3 && wire == 2) { // NormalizerSpec
                int limit = messageEnd(end);
                while (buf.position() < limit) {
                    long k = varint(limit);
                    int f = (int) (k >>> 3), w = (int) (k & 7);
                    if (w == 0 && f == 3) addDummyPrefix = varint(limit) != 0;
                    else skip(w, limit);
                }
            } else {
                skip(wire, end);
            }
        }
        if (pieces.isEmpty()) throw error("no pieces: not a SentencePiece model");
        if (modelType != MODEL_BPE)
            throw error("model type " + modelType + " is not BPE (2); Llama tokenizers are BPE models");
        String[] tokens = pieces.toArray(String[]::new);
        float[] s = new float[tokens.length];
        int[] t = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        try {
            return new Vocabulary(
                    Vocabulary.SPM, null, tokens, s, t, null, bos, eos, unk, -1, true, false, addDummyPrefix, null);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private long varint(int limit) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (buf.position() >= limit) throw error("truncated varint");
            int b = buf.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw error("varint longer than 10 bytes");
    }

    private int messageEnd(int limit) throws IOException {
        long length = varint(limit);
        if (length < 0 || length > limit - buf.position())
            throw error("length " + length + " runs past the end of its enclosing message");
        return buf.position() + (int) length;
    }

    private String string(int limit) throws IOException {
        int end = messageEnd(limit);
        ByteBuffer slice = buf.slice(buf.position(), end - buf.position());
        buf.position(end);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw error("piece text is not valid UTF-8");
        }
    }

    private float fixed32(int limit) throws IOException {
        if (limit - buf.position() < 4) throw error("truncated float");
        return buf.getFloat();
    }

    private void skip(int wire, int limit) throws IOException {
        switch (wire) {
            case 0 -> varint(limit);
            case 1 -> advance(8, limit);
            case 2 -> buf.position(messageEnd(limit));
            case 5 -> advance(4, limit);
            default -> throw error("unsupported protobuf wire type " + wire);
        }
    }

    private void advance(int n, int limit) throws IOException {
        if (limit - buf.position() < n) throw error("truncated field");
        buf.position(buf.position() + n);
    }

    private IOException error(String problem) {
        return new IOException(path + ": invalid SentencePiece model at byte " + buf.position() + ": " + problem);
    }
}
