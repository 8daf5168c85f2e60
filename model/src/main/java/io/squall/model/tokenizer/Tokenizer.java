package io.squall.model.tokenizer;

import io.squall.model.gguf.GGUFFile;

import java.util.OptionalInt;

/**
 * Text to token ids and back, for the two vocabulary families Llama uses: SentencePiece-style BPE with scores
 * and byte fallback ({@code tokenizer.ggml.model = "llama"}: Llama 1 and 2) and byte-level BPE with merges and the
 * pre-tokenizer {@code tokenizer.ggml.pre} names ({@code "gpt2"} with {@code pre = "llama-bpe"} for Llama 3, and the
 * others of {@link PreTokenizer}). Semantics follow llama.cpp's tokenizer,
 * whose ids the tests compare against.
 */
public interface Tokenizer {

    /** The tokenizer of the vocabulary stored in a GGUF file's {@code tokenizer.ggml.*} keys. */
    static Tokenizer fromGGUF(GGUFFile gguf) {
        return of(GGUFVocabulary.read(gguf));
    }

    /** The tokenizer of an in-memory vocabulary. */
    static Tokenizer of(Vocabulary vocabulary) {
        return switch (vocabulary.model()) {
            case Vocabulary.SPM -> new SentencePieceTokenizer(vocabulary);
            case Vocabulary.BPE -> new ByteLevelBpeTokenizer(vocabulary);
            default ->
                throw new IllegalArgumentException("tokenizer.ggml.model: unsupported '" + vocabulary.model() + "'");
        };
    }

    /**
     * @param addBos       prepend the BOS token
     * @param parseSpecial turn control-token markup in the text (such as {@code <|eot_id|>} or {@code <s>}) into
     *                     those tokens; when false it is tokenized as plain text. User-defined tokens are always
     *                     matched, as llama.cpp does.
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * A piece of a text to encode, with or without special-token parsing: chat templates parse their markup but
     * never the messages' content.
     */
    record Segment(String text, boolean parseSpecial) {
        public Segment {
            java.util.Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Encodes the concatenation of the segments as one text (text on both sides of a segment boundary is tokenized
     * together, as if it were one string), recognising special tokens only inside segments that allow it.
     */
    int[] encode(java.util.List<Segment> segments, boolean addBos);

    /**
     * The text of the ids. Control tokens (BOS, EOS, chat markup) contribute nothing; a leading BOS is skipped and,
     * for SentencePiece vocabularies with a dummy prefix, the first token's leading space is removed (as llama.cpp's
     * detokenizer does), so {@code decode(encode(s, true, false)) == s}.
     */
    String decode(int[] ids);

    /** The bytes this token stands for in decoded text (for control tokens: the UTF-8 of their text). */
    byte[] tokenBytes(int id);

    /** The piece as stored in the vocabulary. */
    String tokenText(int id);

    StreamingDecoder streamingDecoder();

    int vocabularySize();

    int bos();

    int eos();

    OptionalInt eot();

    /** EOS, EOT and the other end-of-generation tokens ({@code <|end_of_text|>}, {@code <|eom_id|>}, {@code </s>}). */
    boolean isEndOfGeneration(int id);

    /** Control, user-defined or unknown: the tokens that special-token parsing can produce. */
    boolean isSpecial(int id);

    /** Whether the vocabulary asks for BOS to be prepended ({@code tokenizer.ggml.add_bos_token}). */
    boolean addBosByDefault();

    /** The vocabulary this tokenizer was built from. */
    Vocabulary vocabulary();

    /** The id of a token text, if it is in the vocabulary. */
    OptionalInt tokenId(String text);
}
