package io.squall.model.tokenizer;

import io.squall.model.tokenizer.convert.VocabularyConverters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Special tokens, decoding, streaming and the agreement of the converters on the real vocabularies. */
class TokenizerBehaviourTest {

    @Test
    void llama3SpecialAndEndOfGenerationTokens() {
        Tokenizer t = TestVocabularies.llama3();
        assertEquals(128256, t.vocabularySize());
        assertEquals(128000, t.bos());
        assertEquals(128001, t.eos()); // tokenizer_config.json's eos_token
        assertEquals(128009, t.eot().orElseThrow());
        assertTrue(t.isEndOfGeneration(128009));
        assertTrue(t.isEndOfGeneration(128001));
        assertFalse(t.isEndOfGeneration(128008)); // reserved in Llama 3 (<|eom_id|> only from 3.1)
        assertFalse(t.isEndOfGeneration(128000));
        assertFalse(t.isEndOfGeneration(9906));
        assertTrue(t.isSpecial(128006));
        assertFalse(t.isSpecial(9906));
        assertEquals("<|start_header_id|>", t.tokenText(128006));
        assertTrue(t.addBosByDefault());
        assertTrue(t.vocabulary().chatTemplate().contains("<|start_header_id|>"));
        // Markup is text unless asked; then each marker is one token.
        assertTrue(t.encode("<|eot_id|>", false, false).length > 1);
        assertArrayEquals(new int[] {128009}, t.encode("<|eot_id|>", false, true));
        // Decoding leaves control tokens out.
        assertEquals("Hello world", t.decode(new int[] {128000, 9906, 1917, 128009}));
    }

    @Test
    void llama2SpecialTokensAndBytes() {
        Tokenizer t = TestVocabularies.llama2();
        assertEquals(32000, t.vocabularySize());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertTrue(t.eot().isEmpty());
        assertTrue(t.isEndOfGeneration(2));
        assertFalse(t.isEndOfGeneration(1));
        assertEquals("<s>", t.tokenText(1));
        assertArrayEquals(new byte[] {'\n'}, t.tokenBytes(13)); // <0x0A>
        assertEquals("<0x0A>", t.tokenText(13));
        assertArrayEquals(" Hello".getBytes(StandardCharsets.UTF_8), t.tokenBytes(15043));
        assertArrayEquals(new int[] {1, 15043, 3186}, t.encode("Hello world", true, false));
        // A special token in the text starts a new dummy-prefixed fragment, as llama.cpp does.
        assertArrayEquals(new int[] {1, 15043}, t.encode("<s>Hello", false, true));
        assertEquals("Hello world", t.decode(new int[] {1, 15043, 3186, 2}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {32000}));
        assertThrows(IllegalArgumentException.class, () -> t.tokenText(-1));
    }

    @Test
    void streamingHoldsSplitCharactersUntilComplete() {
        for (Tokenizer t : List.of(TestVocabularies.llama2(), TestVocabularies.llama3())) {
            for (String text :
                    List.of("🦙", "Emoji: 🦙🚀✨ and a family 👨‍👩‍👧‍👦.", "Llama 模型系列介紹", "日本語のテキストも試します。")) {
                int[] ids = t.encode(text, true, false);
                StreamingDecoder stream = t.streamingDecoder();
                StringBuilder out = new StringBuilder();
                int held = 0;
                for (int id : ids) {
                    String piece = stream.push(id);
                    assertFalse(piece.contains("\uFFFD"), t + ": streamed a broken character for " + text);
                    if (piece.isEmpty() && id != t.bos()) held++;
                    out.append(piece);
                }
                out.append(stream.flush());
                String expected = t.vocabulary().addSpacePrefix() ? " " + text : text; // streaming keeps the prefix
                assertEquals(expected, out.toString(), t + " streamed");
                if (text.equals("🦙"))
                    assertTrue(held > 0, t + ": 🦙 should span several tokens: " + Arrays.toString(ids));
            }
        }
        // Llama 2's 🦙 is four byte-fallback tokens: nothing comes out until the fourth.
        Tokenizer t = TestVocabularies.llama2();
        int[] ids = t.encode("🦙", false, false);
        assertArrayEquals(new int[] {29871, 243, 162, 169, 156}, ids);
        StreamingDecoder stream = t.streamingDecoder();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) pieces.add(stream.push(id));
        assertEquals(List.of(" ", "", "", "", "🦙"), pieces);
    }

    @Test
    void streamingFlushReplacesAnIncompleteSequence() {
        Tokenizer t = TestVocabularies.llama2();
        StreamingDecoder stream = t.streamingDecoder();
        assertEquals("", stream.push(243)); // <0xF0>: first byte of a 4-byte sequence
        assertEquals("", stream.push(162));
        assertEquals("\uFFFD", stream.flush());
        assertEquals("a", stream.push(t.tokenId("a").orElseThrow()));
    }

    @Test
    void llama2cTokenizerBinMatchesTheSentencePieceModel() {
        Vocabulary fromModel = VocabularyConverters.readSentencePieceModel(
                TestVocabularies.require("llama2-tokenizer/tokenizer.model"));
        Vocabulary fromBin =
                VocabularyConverters.readLlama2cTokenizer(TestVocabularies.require("llama2-tokenizer/tokenizer.bin"));
        assertArrayEquals(fromModel.tokens(), fromBin.tokens());
        assertArrayEquals(fromModel.scores(), fromBin.scores());
        assertArrayEquals(fromModel.types(), fromBin.types());
        Tokenizer bin = Tokenizer.of(fromBin);
        for (var c : TestVocabularies.fixtures("llama2-fixtures.json"))
            assertArrayEquals(c.ids(), bin.encode(c.text(), false, false), "tokenizer.bin: " + c.text());
    }

    @Test
    void tok512EncodesStoriesSensibly() {
        Tokenizer bin = TestVocabularies.viaGGUF(
                (out, w) -> io.squall.model.tokenizer.convert.VocabularyConverters.fromLlama2cTokenizer(
                        TestVocabularies.require("tok512.bin"), w),
                "tok512");
        Tokenizer model =
                Tokenizer.of(VocabularyConverters.readSentencePieceModel(TestVocabularies.require("tok512.model")));
        assertEquals(512, bin.vocabularySize());
        assertEquals("<s>", bin.tokenText(1));
        assertEquals("</s>", bin.tokenText(2));
        assertEquals(1, bin.bos());
        assertEquals(2, bin.eos());
        for (String text : List.of(
                "Once upon a time",
                "Once upon a time, there was a little girl named Lily.",
                "She liked to play in the park with her dog.\nThe end!",
                "Émile 🦙")) {
            int[] ids = bin.encode(text, true, false);
            assertArrayEquals(model.encode(text, true, false), ids, "tok512.bin and tok512.model disagree on " + text);
            assertEquals(text, bin.decode(ids));
            assertEquals(1, ids[0]);
        }
        int[] once = bin.encode("Once upon a time", false, false);
        for (int id : once)
            assertTrue(id > 258, "\"Once upon a time\" should need no byte fallback: " + Arrays.toString(once));
        assertTrue(
                once.length <= 8, "expected merged pieces, got " + once.length + " tokens: " + Arrays.toString(once));
        assertEquals(" Once upon a time", new String(concat(bin, once), StandardCharsets.UTF_8));
    }

    private static byte[] concat(Tokenizer t, int[] ids) {
        var out = new java.io.ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(t.tokenBytes(id));
        return out.toByteArray();
    }

    @Test
    void unsupportedVocabulariesAreClearErrors() {
        String[] tokens = {"a", "b", "ab"};
        int[] types = {1, 1, 1};
        var kimi = new Vocabulary(
                "gpt2", "kimi-k2", tokens, null, types, new String[] {"a b"}, 0, 1, -1, -1, false, false, false, null);
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.of(kimi));
        assertTrue(
                e.getMessage().contains("tokenizer.ggml.pre") && e.getMessage().contains("kimi-k2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new Vocabulary("bert", null, tokens, null, types, null, 0, 1, -1, -1, false, false, false, null));
        assertTrue(e.getMessage().contains("tokenizer.ggml.model"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new Vocabulary(
                        "llama", null, tokens, new float[3], types, null, 7, 1, 0, -1, true, false, true, null));
        assertTrue(e.getMessage().contains("bos_token_id"), e.getMessage());
    }

    @Test
    void utf8CompletePrefix() {
        byte[] llama = "a🦙".getBytes(StandardCharsets.UTF_8);
        for (int n = 2; n < llama.length; n++)
            assertEquals(1, Utf8StreamingDecoder.completePrefix(Arrays.copyOf(llama, n)), "prefix of length " + n);
        assertEquals(llama.length, Utf8StreamingDecoder.completePrefix(llama));
        assertEquals(2, Utf8StreamingDecoder.completePrefix(new byte[] {'a', (byte) 0xFF})); // invalid: not held
    }
}
