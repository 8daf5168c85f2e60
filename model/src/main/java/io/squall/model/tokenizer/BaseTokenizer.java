package io.squall.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** What both vocabulary families share: lookup, special-token splitting, end-of-generation ids, decoding. */
abstract sealed class BaseTokenizer implements Tokenizer permits SentencePieceTokenizer, ByteLevelBpeTokenizer {

    /** Texts that end generation when they are control tokens (as llama.cpp's end-of-generation set). */
    private static final List<String> END_OF_GENERATION_TEXTS = List.of(
            "<|eot_id|>",
            "<|end_of_text|>",
            "<|eom_id|>",
            "</s>",
            "<|im_end|>",
            "<|end|>",
            "<end_of_turn>",
            "<|endoftext|>");

    protected final Vocabulary vocab;
    protected final Map<String, Integer> tokenToId;
    private final byte[][] pieces;
    private final boolean[] endOfGeneration;
    private final int eot;
    /** Control, user-defined and unknown tokens, longest text first: the order in which text is split on them. */
    private final int[] specialsByLength;

    protected BaseTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        String[] tokens = vocab.tokens();
        this.tokenToId = HashMap.newHashMap(tokens.length);
        for (int id = 0; id < tokens.length; id++) tokenToId.putIfAbsent(tokens[id], id);
        this.pieces = new byte[tokens.length][];
        for (int id = 0; id < tokens.length; id++) pieces[id] = pieceBytes(id);
        this.specialsByLength = java.util.stream.IntStream.range(0, tokens.length)
                .filter(id -> isSpecial(id) && !tokens[id].isEmpty())
                .boxed()
                .sorted((a, b) -> tokens[b].length() - tokens[a].length())
                .mapToInt(Integer::intValue)
                .toArray();
        this.eot = vocab.eot() >= 0 ? vocab.eot() : findControl("<|eot_id|>", "<|im_end|>", "<end_of_turn>");
        this.endOfGeneration = new boolean[tokens.length];
        endOfGeneration[vocab.eos()] = true;
        if (eot >= 0) endOfGeneration[eot] = true;
        for (String text : END_OF_GENERATION_TEXTS) {
            Integer id = tokenToId.get(text);
            if (id != null && vocab.type(id) == TokenType.CONTROL) endOfGeneration[id] = true;
        }
    }

    private int findControl(String... texts) {
        for (String text : texts) {
            Integer id = tokenToId.get(text);
            if (id != null && vocab.type(id) == TokenType.CONTROL) return id;
        }
        return -1;
    }

    /** The bytes token {@code id} decodes to; called once per token from this constructor, so it may use only the vocabulary. */
    protected abstract byte[] pieceBytes(int id);

    /** Appends the ids of the fragments (raw text or already-resolved special tokens) to {@code out}. */
    protected abstract void encodeFragments(List<Fragment> fragments, IntList out);

    /** Whether decoding drops one leading space of the first token (SentencePiece dummy prefix). */
    protected abstract boolean removesLeadingSpace();

    /** A piece of the input: raw text to tokenize, or a special token found in the text. */
    protected record Fragment(String text, int token) {
        static Fragment raw(String text) {
            return new Fragment(text, -1);
        }

        static Fragment special(int token) {
            return new Fragment(null, token);
        }

        boolean isRaw() {
            return text != null;
        }
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        return encode(List.of(new Segment(text, parseSpecial)), addBos);
    }

    @Override
    public int[] encode(List<Segment> segments, boolean addBos) {
        List<Fragment> fragments = new ArrayList<>();
        int chars = 0;
        for (Segment segment : segments) {
            chars += segment.text().length();
            for (Fragment f : splitOnSpecials(segment.text(), segment.parseSpecial())) {
                Fragment last = fragments.isEmpty() ? null : fragments.getLast();
                if (f.isRaw() && last != null && last.isRaw()) // text continues across the segment boundary
                fragments.set(fragments.size() - 1, Fragment.raw(last.text() + f.text()));
                else fragments.add(f);
            }
        }
        IntList out = new IntList(chars / 3 + 2);
        if (addBos) out.add(vocab.bos());
        encodeFragments(fragments, out);
        return out.toArray();
    }

    /**
     * Splits the text on special-token texts, longest token first (llama.cpp's partitioning). Control and unknown
     * tokens only when {@code parseSpecial}; user-defined tokens always.
     */
    List<Fragment> splitOnSpecials(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) fragments.add(Fragment.raw(text));
        for (int id : specialsByLength) {
            TokenType type = vocab.type(id);
            if (!parseSpecial && (type == TokenType.CONTROL || type == TokenType.UNKNOWN)) continue;
            String special = vocab.tokens()[id];
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                if (!fragment.isRaw()) continue;
                int at = fragment.text().indexOf(special);
                if (at < 0) continue;
                List<Fragment> split = new ArrayList<>();
                String raw = fragment.text();
                int from = 0;
                for (; at >= 0; at = raw.indexOf(special, from)) {
                    if (at > from) split.add(Fragment.raw(raw.substring(from, at)));
                    split.add(Fragment.special(id));
                    from = at + special.length();
                }
                if (from < raw.length()) split.add(Fragment.raw(raw.substring(from)));
                fragments.remove(f);
                fragments.addAll(f, split);
                f += split.size() - 1;
            }
        }
        return fragments;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        int start = ids.length > 0 && ids[0] == vocab.bos() ? 1 : 0;
        for (int i = start; i < ids.length; i++) {
            checkId(ids[i]);
            if (vocab.type(ids[i]) == TokenType.CONTROL) continue;
            byte[] piece = pieces[ids[i]];
            int from = i == start && removesLeadingSpace() && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, from, piece.length - from);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        return pieces[id].clone();
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return vocab.tokens()[id];
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        return new Utf8StreamingDecoder(id -> {
            checkId(id);
            return vocab.type(id) == TokenType.CONTROL ? new byte[0] : pieces[id];
        });
    }

    @Override
    public int vocabularySize() {
        return vocab.size();
    }

    @Override
    public int bos() {
        return vocab.bos();
    }

    @Override
    public int eos() {
        return vocab.eos();
    }

    @Override
    public OptionalInt eot() {
        return eot >= 0 ? OptionalInt.of(eot) : OptionalInt.empty();
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return id >= 0 && id < endOfGeneration.length && endOfGeneration[id];
    }

    @Override
    public boolean isSpecial(int id) {
        TokenType type = vocab.type(id);
        return type == TokenType.CONTROL || type == TokenType.USER_DEFINED || type == TokenType.UNKNOWN;
    }

    @Override
    public boolean addBosByDefault() {
        return vocab.addBos();
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public OptionalInt tokenId(String text) {
        Integer id = tokenToId.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    protected final void checkId(int id) {
        if (id < 0 || id >= vocab.size())
            throw new IllegalArgumentException(
                    "token id " + id + " outside the vocabulary of " + vocab.size() + " tokens");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + vocab + "]";
    }

    /** A growable int array (no boxing on the encode path). */
    static final class IntList {
        private int[] data;
        private int size;

        IntList(int capacity) {
            data = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
