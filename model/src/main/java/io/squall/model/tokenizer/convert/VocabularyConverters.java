package io.squall.model.tokenizer.convert;

import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tokenizer.GGUFVocabulary;
import io.squall.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Converts the tokenizer files Llama models ship with into GGUF {@code tokenizer.*} keys: Meta's SentencePiece
 * {@code tokenizer.model} and llama2.c's {@code tokenizer.bin} (both to {@code tokenizer.ggml.model = "llama"}),
 * and Llama 3's Hugging Face {@code tokenizer.json} (to {@code "gpt2"} with {@code pre = "llama-bpe"}).
 * Unreadable or malformed input gives an {@link UncheckedIOException} naming the file and the offset or key.
 */
public final class VocabularyConverters {
    private VocabularyConverters() {}

    public static void fromSentencePieceModel(Path tokenizerModel, GGUFWriter out) {
        GGUFVocabulary.write(readSentencePieceModel(tokenizerModel), out);
    }

    public static void fromLlama2cTokenizer(Path tokenizerBin, GGUFWriter out) {
        GGUFVocabulary.write(readLlama2cTokenizer(tokenizerBin), out);
    }

    public static void fromHuggingFace(Path tokenizerJson, Path tokenizerConfigJson, GGUFWriter out) {
        GGUFVocabulary.write(readHuggingFace(tokenizerJson, tokenizerConfigJson), out);
    }

    public static Vocabulary readSentencePieceModel(Path tokenizerModel) {
        try {
            return SentencePieceModel.read(tokenizerModel);
        } catch (IOException e) {
            throw unreadable(tokenizerModel, e);
        }
    }

    public static Vocabulary readLlama2cTokenizer(Path tokenizerBin) {
        try {
            return Llama2cTokenizerFile.read(tokenizerBin);
        } catch (IOException e) {
            throw unreadable(tokenizerBin, e);
        }
    }

    public static Vocabulary readHuggingFace(Path tokenizerJson, Path tokenizerConfigJson) {
        try {
            return HuggingFaceTokenizer.read(tokenizerJson, tokenizerConfigJson);
        } catch (IOException e) {
            throw unreadable(tokenizerJson, e);
        }
    }

    /** The error, naming the file when the JDK's message does not (a missing file, a directory, ...). */
    private static UncheckedIOException unreadable(Path file, IOException e) {
        String message = e instanceof java.nio.file.FileSystemException
                        || e.getMessage() == null
                        || !e.getMessage().contains(file.toString())
                ? file + ": " + io.squall.model.gguf.FileErrors.reason(e)
                : e.getMessage();
        return new UncheckedIOException(message, e);
    }

    /** Reads whichever format the file name and contents say: .model, .bin or .json. */
    public static Vocabulary read(Path input, Path configJson) {
        String name = input.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".json")) return readHuggingFace(input, configJson);
        if (name.endsWith(".model")) return readSentencePieceModel(input);
        if (name.endsWith(".bin")) return readLlama2cTokenizer(input);
        throw new IllegalArgumentException(input + ": unknown tokenizer format; expected tokenizer.model "
                + "(SentencePiece), tokenizer.bin (llama2.c) or tokenizer.json (Hugging Face)");
    }
}
