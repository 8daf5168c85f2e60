package io.squall.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE (llama.cpp's {@code llm_tokenizer_spm}): spaces become U+2581, a dummy-prefix space
 * starts the text and every text that follows a special token, then the adjacent pair whose merged piece has
 * the highest score is merged until none is in the vocabulary; characters left outside it fall back to
 * {@code <0xNN>} byte tokens.
 */
final class SentencePieceTokenizer extends BaseTokenizer {
    static final char SPACE = '\u2581';

    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) {
            Integer id = tokenToId.get(String.format("<0x%02X>", b));
            byteTokens[b] = id != null ? id : -1;
        }
    }

    @Override
    protected byte[] pieceBytes(int id) {
        String text = vocab.tokens()[id];
        if (vocab.type(id) == TokenType.BYTE) {
            if (text.length() == 6
                    && text.startsWith("<0x")
                    && text.endsWith(">")
                    && Character.digit(text.charAt(3), 16) >= 0
                    && Character.digit(text.charAt(4), 16) >= 0)
                return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
            throw new IllegalArgumentException(
                    "tokenizer.ggml.tokens[" + id + "]: byte token '" + text + "' is not of the form <0xNN>");
        }
        return text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected boolean removesLeadingSpace() {
        return vocab.addSpacePrefix();
    }

    @Override
    protected void encodeFragments(List<Fragment> fragments, IntList out) {
        boolean afterSpecial = true; // the start of the text counts as following a special token
        for (Fragment fragment : fragments) {
            if (!fragment.isRaw()) {
                out.add(fragment.token());
                afterSpecial = true;
                continue;
            }
            String text = vocab.addSpacePrefix() && afterSpecial ? " " + fragment.text() : fragment.text();
            encodeText(text.replace(' ', SPACE), out);
            afterSpecial = false;
        }
    }

    /** One candidate merge of the symbols starting at {@code left} and {@code right}. */
    private record Bigram(int left, int right, float score, int length) {}

    private void encodeText(String text, IntList out) {
        // Symbols: a doubly linked list over the code points of the text; a merged symbol spans several.
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n], length = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            start[i] = offset;
            length[i] = Character.charCount(text.codePointAt(offset));
            offset += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) addBigram(text, start, length, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left, right = bigram.right;
            // Skip pairs made stale by an earlier merge.
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.length) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) addBigram(text, start, length, prev[left], left, queue);
            if (next[left] >= 0) addBigram(text, start, length, left, next[left], queue);
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + length[i]);
            Integer id = tokenToId.get(piece);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                int byteToken = byteTokens[b & 0xFF];
                out.add(byteToken >= 0 ? byteToken : unknown(piece));
            }
        }
    }

    private int unknown(String piece) {
        if (vocab.unk() < 0)
            throw new IllegalArgumentException("cannot tokenize '" + piece
                    + "': not in the vocabulary, no <0xNN> byte tokens and no unknown token");
        return vocab.unk();
    }

    private void addBigram(String text, int[] start, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        int size = length[left] + length[right];
        Integer id = tokenToId.get(text.substring(start[left], start[left] + size));
        if (id != null) queue.add(new Bigram(left, right, vocab.scores()[id], size));
    }
}
