package io.squall.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE (llama.cpp's {@code llm_tokenizer_bpe}): the text is split into words by the {@link PreTokenizer}
 * that {@code tokenizer.ggml.pre} names, each word's UTF-8 bytes become GPT-2 byte-level characters, a word that is
 * itself a token is taken whole when the pre-tokenizer says so (Llama 3's {@code ignore_merges}), otherwise the
 * adjacent pair with the lowest merge rank is merged until no merge applies.
 */
final class ByteLevelBpeTokenizer extends BaseTokenizer {
    private final Map<String, Integer> mergeRank;
    private final PreTokenizer preTokenizer;

    ByteLevelBpeTokenizer(Vocabulary vocab) {
        super(vocab);
        // GGUF files converted before llama.cpp recorded the pre-tokenizer have none: Llama 3 if its markers are there.
        String pre = vocab.pre() == null && tokenToId.containsKey("<|begin_of_text|>") ? "llama-bpe" : vocab.pre();
        this.preTokenizer = PreTokenizer.of(pre);
        String[] merges = vocab.merges();
        this.mergeRank = HashMap.newHashMap(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            if (merges[rank].indexOf(' ') <= 0)
                throw new IllegalArgumentException(
                        "tokenizer.ggml.merges[" + rank + "]: '" + merges[rank] + "' is not of the form 'left right'");
            mergeRank.putIfAbsent(merges[rank], rank);
        }
    }

    @Override
    protected byte[] pieceBytes(int id) {
        String text = vocab.tokens()[id];
        return switch (vocab.type(id)) {
            case NORMAL, BYTE, UNUSED -> ByteLevel.decode(text);
            default -> text.getBytes(StandardCharsets.UTF_8); // control and user-defined tokens are raw text
        };
    }

    @Override
    protected boolean removesLeadingSpace() {
        return false;
    }

    @Override
    protected void encodeFragments(List<Fragment> fragments, IntList out) {
        for (Fragment fragment : fragments) {
            if (!fragment.isRaw()) {
                out.add(fragment.token());
                continue;
            }
            for (String word : preTokenizer.split(fragment.text())) encodeWord(ByteLevel.encode(word), out);
        }
    }

    private record Bigram(int left, int right, int rank, int length) {}

    private void encodeWord(String word, IntList out) {
        Integer whole = preTokenizer.ignoreMerges()
                ? tokenToId.get(word)
                : null; // ignore_merges: a word that is a token is kept whole
        if (whole != null) {
            out.add(whole);
            return;
        }
        // Byte-level characters are all in the BMP: one char per symbol to start with.
        int n = word.length();
        int[] length = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(
                (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) addBigram(word, length, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left, right = bigram.right;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.length) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) addBigram(word, length, prev[left], left, queue);
            if (next[left] >= 0) addBigram(word, length, left, next[left], queue);
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String symbol = word.substring(i, i + length[i]);
            Integer id = tokenToId.get(symbol);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (int c = 0; c < symbol.length(); c++) { // not a token: its characters one by one
                Integer single = tokenToId.get(symbol.substring(c, c + 1));
                if (single != null) out.add(single);
                else if (vocab.unk() >= 0) out.add(vocab.unk());
                else
                    throw new IllegalArgumentException("cannot tokenize byte-level symbol '" + symbol.charAt(c)
                            + "': not in the vocabulary and no unknown token");
            }
        }
    }

    private void addBigram(String word, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        // Symbols are contiguous: the left symbol starts at index 'left', the right one at 'right'.
        String key = word.substring(left, left + length[left]) + ' ' + word.substring(right, right + length[right]);
        Integer rank = mergeRank.get(key);
        if (rank != null) queue.add(new Bigram(left, right, rank, length[left] + length[right]));
    }
}
