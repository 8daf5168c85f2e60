package io.squall.model.tokenizer.convert;

import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.tokenizer.TestVocabularies;
import io.squall.model.tokenizer.TokenType;
import io.squall.model.tokenizer.Tokenizer;
import io.squall.model.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertersTest {

    @Test
    void convertTokenizerCommandWritesAVocabularyOnlyGGUF(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tok512.gguf");
        int rc = new CommandLine(new ConvertTokenizerCommand())
                .execute("--input", TestVocabularies.require("tok512.bin").toString(), "--out", out.toString());
        assertEquals(0, rc);
        try (GGUFFile gguf = GGUFFile.open(out)) {
            assertTrue(gguf.tensors().isEmpty());
            assertEquals("llama", gguf.getString("tokenizer.ggml.model"));
            assertEquals(512, gguf.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(1, gguf.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(2, gguf.getInt("tokenizer.ggml.eos_token_id"));
            assertTrue(gguf.getBoolean("tokenizer.ggml.add_bos_token"));
            int[] types = gguf.getIntArray("tokenizer.ggml.token_type");
            assertEquals(TokenType.UNKNOWN.id(), types[0]);
            assertEquals(TokenType.CONTROL.id(), types[1]);
            assertEquals(TokenType.BYTE.id(), types[3 + 'A']);
            assertEquals("<0x41>", gguf.getStringArray("tokenizer.ggml.tokens")[3 + 'A']);
            Tokenizer t = Tokenizer.fromGGUF(gguf);
            assertEquals("Once upon a time", t.decode(t.encode("Once upon a time", true, false)));
        }
    }

    @Test
    void convertTokenizerCommandHelpAndErrors(@TempDir Path dir) {
        StringWriter help = new StringWriter();
        CommandLine cli = new CommandLine(new ConvertTokenizerCommand()).setOut(new PrintWriter(help));
        assertEquals(0, cli.execute("--help"));
        assertTrue(help.toString().contains("--input") && help.toString().contains("tokenizer.json"), help.toString());
        var e = assertThrows(
                IllegalArgumentException.class, () -> VocabularyConverters.read(dir.resolve("vocab.txt"), null));
        assertTrue(e.getMessage().contains("unknown tokenizer format"), e.getMessage());
        var missing = assertThrows(
                UncheckedIOException.class, () -> VocabularyConverters.read(dir.resolve("tokenizer.model"), null));
        assertTrue(missing.getMessage().endsWith("tokenizer.model: no such file"), missing.getMessage());
        assertEquals(
                1,
                new CommandLine(new ConvertTokenizerCommand())
                        .execute(
                                "--input",
                                dir.resolve("tokenizer.bin").toString(),
                                "--out",
                                dir.resolve("o.gguf").toString()));
        assertFalse(Files.exists(dir.resolve("o.gguf")));
    }

    @Test
    void sentencePieceModelKeys() {
        Vocabulary v = VocabularyConverters.readSentencePieceModel(
                TestVocabularies.require("llama2-tokenizer/tokenizer.model"));
        assertEquals("llama", v.model());
        assertEquals(32000, v.size());
        assertEquals("<unk>", v.tokens()[0]);
        assertEquals("<s>", v.tokens()[1]);
        assertEquals("▁Hello", v.tokens()[15043]);
        assertEquals(TokenType.BYTE, v.type(13));
        assertEquals(TokenType.CONTROL, v.type(2));
        assertEquals(TokenType.UNKNOWN, v.type(0));
        assertEquals(1, v.bos());
        assertEquals(2, v.eos());
        assertEquals(0, v.unk());
        assertTrue(v.addSpacePrefix());
        assertTrue(v.scores()[15043] < 0);
    }

    @Test
    void huggingFaceKeys() {
        Vocabulary v = VocabularyConverters.readHuggingFace(
                TestVocabularies.require("llama3-tokenizer/tokenizer.json"),
                TestVocabularies.require("llama3-tokenizer/tokenizer_config.json"));
        assertEquals("gpt2", v.model());
        assertEquals("llama-bpe", v.pre());
        assertEquals(128256, v.size());
        assertEquals(280147, v.merges().length);
        assertEquals("Ġ Ġ", v.merges()[0]);
        assertEquals(TokenType.CONTROL, v.type(128009));
        assertEquals(TokenType.NORMAL, v.type(9906));
        assertEquals(128000, v.bos());
        assertEquals(128001, v.eos());
        assertEquals(128009, v.eot());
        assertFalse(v.addSpacePrefix());
        assertTrue(v.chatTemplate().contains("<|start_header_id|>"));
        // Without the config: defaults, no template.
        Vocabulary bare =
                VocabularyConverters.readHuggingFace(TestVocabularies.require("llama3-tokenizer/tokenizer.json"), null);
        assertEquals(128000, bare.bos());
        assertNull(bare.chatTemplate());
    }

    @Test
    void malformedInputsNameTheFileAndPlace(@TempDir Path dir) throws Exception {
        byte[] bin = Files.readAllBytes(TestVocabularies.require("tok512.bin"));
        Path truncated = dir.resolve("truncated.bin");
        Files.write(truncated, Arrays.copyOf(bin, 1000));
        var e = assertThrows(UncheckedIOException.class, () -> VocabularyConverters.readLlama2cTokenizer(truncated));
        assertTrue(e.getMessage().contains("truncated.bin") && e.getMessage().contains("at byte"), e.getMessage());

        Path hugeLength = dir.resolve("length.bin");
        byte[] bad = bin.clone();
        bad[8] = (byte) 0xFF; // first token's length field -> huge
        bad[9] = (byte) 0xFF;
        bad[10] = (byte) 0xFF;
        bad[11] = (byte) 0x7F;
        Files.write(hugeLength, bad);
        e = assertThrows(UncheckedIOException.class, () -> VocabularyConverters.readLlama2cTokenizer(hugeLength));
        assertTrue(e.getMessage().contains("token 0 has length"), e.getMessage());

        byte[] model = Files.readAllBytes(TestVocabularies.require("tok512.model"));
        Path cut = dir.resolve("cut.model");
        Files.write(cut, Arrays.copyOf(model, model.length / 2));
        e = assertThrows(UncheckedIOException.class, () -> VocabularyConverters.readSentencePieceModel(cut));
        assertTrue(e.getMessage().contains("cut.model") && e.getMessage().contains("at byte"), e.getMessage());

        Path notBpe = dir.resolve("tokenizer.json");
        Files.writeString(notBpe, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        e = assertThrows(UncheckedIOException.class, () -> VocabularyConverters.readHuggingFace(notBpe, null));
        assertTrue(e.getMessage().contains("model.type"), e.getMessage());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"model\": ");
        e = assertThrows(UncheckedIOException.class, () -> VocabularyConverters.readHuggingFace(broken, null));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void ggufWithoutAVocabularyIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("empty.gguf");
        new GGUFWriter().putString("general.architecture", "llama").write(file);
        try (GGUFFile gguf = GGUFFile.open(file)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGGUF(gguf));
            assertTrue(e.getMessage().contains("tokenizer.ggml.model"), e.getMessage());
        }
        Path bad = dir.resolve("bad.gguf");
        new GGUFWriter()
                .putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", new String[] {"<unk>", "<s>", "</s>"})
                .putFloat32Array("tokenizer.ggml.scores", new float[3])
                .putInt32Array("tokenizer.ggml.token_type", new int[] {2, 3})
                .write(bad);
        try (GGUFFile gguf = GGUFFile.open(bad)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGGUF(gguf));
            assertTrue(
                    e.getMessage().contains("tokenizer.ggml.token_type")
                            && e.getMessage().contains("bad.gguf"),
                    e.getMessage());
        }
    }
}
