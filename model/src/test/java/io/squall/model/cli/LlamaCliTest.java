package io.squall.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.llama.GreedyReference;
import io.squall.model.llama.LlamaModel;
import io.squall.model.llama.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The llama command line, run in-process. */
class LlamaCliTest {
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = LlamaCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static int[] ints(JsonNode array) {
        int[] r = new int[array.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = array.get(i).asInt();
        }
        return r;
    }

    /** A GGUF with only the stories model's vocabulary (tokenizer.* keys, no tensors). */
    Path vocabularyOnly() throws IOException {
        Path p = dir.resolve("vocab.gguf");
        try (GGUFFile f = GGUFFile.open(TestModels.stories())) {
            new GGUFWriter().putAll(f, "tokenizer.").write(p);
        }
        return p;
    }

    @Test
    void tokenizeWorksOnAVocabularyOnlyFile() throws IOException {
        Path vocab = vocabularyOnly();
        Run r = run("tokenize", "--model", vocab.toString(), "--prompt", "Once upon a time");
        assertEquals(0, r.exitCode(), r.err());
        int[] ids = ints(new ObjectMapper().readTree(r.out()));
        try (LlamaModel m = LlamaModel.load(TestModels.stories(), null)) {
            assertArrayEquals(m.tokenizer().encode("Once upon a time", true, false), ids);
        }
        assertEquals(1, ids[0], "BOS first");
        Run noBos = run("tokenize", "--model", vocab.toString(), "--no-bos", "--prompt", "Once upon a time");
        assertArrayEquals(
                java.util.Arrays.copyOfRange(ids, 1, ids.length), ints(new ObjectMapper().readTree(noBos.out())));
        Run neither = run("tokenize", "--model", vocab.toString());
        assertNotEquals(0, neither.exitCode());
        assertTrue(neither.err().contains("--prompt") && neither.err().contains("--file"), neither.err());
    }

    @Test
    void infoShowsMetadataHyperParametersAndTensors() throws IOException {
        Run r = run("info", "--model", TestModels.stories().toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("llama.block_count = 5"), r.out());
        assertTrue(r.out().contains("tokenizer.ggml.tokens = [STRING x 512: "), "long arrays summarized");
        assertTrue(r.out().contains("heads 8 (kv 4, head size 8)"), r.out());
        assertTrue(r.out().contains("blk.4.ffn_down.weight"), r.out());
        Run vocab = run("info", "--model", vocabularyOnly().toString());
        assertEquals(0, vocab.exitCode(), vocab.err());
        assertTrue(vocab.out().contains("vocabulary only"), vocab.out());
    }

    @Test
    void infoSaysWhetherSquallRunsTheFileAndWhatIsMissing() throws IOException {
        Run stories = run("info", "--model", TestModels.stories().toString());
        assertTrue(stories.out().contains("Squall can run this file"), stories.out());
        assertTrue(stories.out().contains("every tensor type has device kernels"), stories.out());

        Path mix = dir.resolve("q5km.gguf");
        try (io.squall.model.gguf.GGUFFile vocab = io.squall.model.gguf.GGUFFile.open(TestModels.stories())) {
            io.squall.model.convert.SyntheticModel.write(
                    io.squall.model.convert.SyntheticModel.preset("tiny"),
                    io.squall.model.convert.SyntheticModel.TypeScheme.parse("q5_k_m"),
                    vocab,
                    1,
                    mix,
                    s -> {});
        }
        Run q5 = run("info", "--model", mix.toString());
        assertTrue(q5.out().contains("Squall can run this file"), q5.out());
        assertTrue(q5.out().contains("every tensor type has device kernels"), q5.out());

        // a Gemma-labelled file with an IQ2_XXS matrix, a bias and an unknown pre-tokenizer: every problem listed
        io.squall.model.gguf.GGUFWriter w = new io.squall.model.gguf.GGUFWriter()
                .putString("general.architecture", "gemma")
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "kimi-k2")
                .putStringArray("tokenizer.ggml.tokens", new String[] {"a", "b"})
                .putStringArray("tokenizer.ggml.merges", new String[] {"a b"})
                .putInt32Array("tokenizer.ggml.token_type", new int[] {1, 1})
                .putUInt32("tokenizer.ggml.bos_token_id", 0)
                .putUInt32("tokenizer.ggml.eos_token_id", 1);
        w.addTensor(
                "blk.0.attn_q.weight",
                io.squall.model.tensor.GGMLType.IQ2_XXS,
                new long[] {256, 2},
                java.lang.foreign.MemorySegment.ofArray(new byte[2 * 66]));
        w.addTensor(
                "blk.0.attn_q.bias",
                io.squall.model.tensor.GGMLType.F32,
                new long[] {2},
                java.lang.foreign.MemorySegment.ofArray(new float[2]));
        Path bad = dir.resolve("bad.gguf");
        w.write(bad);
        Run r = run("info", "--model", bad.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Squall cannot run this file; missing:"), r.out());
        assertTrue(r.out().contains("general.architecture is 'gemma'"), r.out());
        assertTrue(
                r.out().contains("tensor type IQ2_XXS is not supported (1 tensors, e.g. blk.0.attn_q.weight)"),
                r.out());
        assertTrue(r.out().contains("which Squall would ignore: blk.0.attn_q.bias"), r.out());
        assertTrue(r.out().contains("pre-tokenizer 'kimi-k2' is not supported"), r.out());
    }

    @Test
    void jsonOutputHasTokensTextLogprobsAndTimings() throws IOException {
        Path model = TestModels.stories();
        Run r = run(
                "--model",
                model.toString(),
                "--prompt",
                "Once upon a time",
                "--temperature",
                "0",
                "--max-tokens",
                "12",
                "--json",
                "--logprobs",
                "2");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        int[] tokens = ints(json.get("tokens"));
        try (LlamaModel m = LlamaModel.load(model, null)) {
            int[] prompt = m.tokenizer().encode("Once upon a time", true, false);
            GreedyReference expected = GreedyReference.run(m, prompt, 12, 512);
            assertArrayEquals(expected.tokens(), tokens);
            assertEquals(expected.text(), json.get("text").asText());
            assertArrayEquals(prompt, ints(json.get("prompt_tokens")));
        }
        assertEquals(12, json.get("logprobs").size());
        JsonNode first = json.get("logprobs").get(0);
        assertEquals(tokens[0], first.get("token").asInt());
        assertEquals(2, first.get("top_logprobs").size());
        assertTrue(first.get("logprob").asDouble() <= 0);
        assertTrue(json.get("timings").get("generation_tokens_per_second").asDouble() > 0);
        assertTrue(r.err().contains("tokens/s"), "speed on stderr: " + r.err());
    }

    @Test
    void plainRunPrintsAStoryReproduciblyWithASeed() {
        String model = TestModels.stories().toString();
        Run a = run("--model", model, "--prompt", "Once upon a time", "--seed", "7", "--max-tokens", "30");
        Run b = run("--model", model, "--prompt", "Once upon a time", "--seed", "7", "--max-tokens", "30", "--stream");
        assertEquals(0, a.exitCode(), a.err());
        assertTrue(a.out().startsWith("Once upon a time"), a.out());
        assertEquals(a.out(), b.out(), "same seed, same text; streaming prints the same");
        assertTrue(a.err().contains("generation:") && a.err().contains("loading"), a.err());
    }

    @Test
    void unsupportedDeviceAndBadOptionsAreClearErrors() {
        Run r = run("--device", "tpu:7", "--model", TestModels.stories().toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("tpu:7"), "the error names the device: " + r.err());
        Run missing = run("--model", dir.resolve("nope.gguf").toString());
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("model file not found"), missing.err());
        Run topP = run("--model", TestModels.stories().toString(), "--top-p", "2");
        assertNotEquals(0, topP.exitCode());
        assertTrue(topP.err().contains("top-p"), topP.err());
    }

    @Test
    void helpListsOptionsAndSubcommands() {
        Run r = run("--help");
        assertEquals(0, r.exitCode());
        for (String s : new String[] {
            "--model",
            "--prompt",
            "--chat",
            "--max-tokens",
            "--logprobs",
            "--json",
            "tokenize",
            "info",
            "convert-llama2c"
        }) {
            assertTrue(r.out().contains(s), s + " missing from --help");
        }
    }
}
