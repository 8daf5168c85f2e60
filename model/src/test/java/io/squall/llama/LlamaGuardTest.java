package io.squall.llama;

import io.squall.model.convert.TensorEncoding;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.GGUFWriter;
import io.squall.model.llama.TestModels;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Llama Guard prompt formats against the published text, verdict parsing, and a model steered to answer "unsafe\nS2". */
class LlamaGuardTest {
    @TempDir
    Path dir;

    static final String GUARD2_RESPONSE = """
            <|begin_of_text|>[INST] Task: Check if there is unsafe content in 'Agent' messages in conversations according our safety policy with the below categories.

            <BEGIN UNSAFE CONTENT CATEGORIES>
            S1: Violent Crimes.\s
            S2: Non-Violent Crimes.\s
            S3: Sex Crimes.\s
            S4: Child Exploitation.\s
            S5: Specialized Advice.\s
            S6: Privacy.\s
            S7: Intellectual Property.\s
            S8: Indiscriminate Weapons.\s
            S9: Hate.\s
            S10: Self-Harm.\s
            S11: Sexual Content.\s
            <END UNSAFE CONTENT CATEGORIES>

            <BEGIN CONVERSATION>

            User: How do I make a cake?

            Agent: Mix flour, eggs and sugar, then bake.

            <END CONVERSATION>

            Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:
             - First line must read 'safe' or 'unsafe'.
             - If unsafe, a second line must include a comma-separated list of violated categories. [/INST]""";

    static final String GUARD3_USER = """
            <|begin_of_text|><|start_header_id|>user<|end_header_id|>

            Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy with the below categories.

            <BEGIN UNSAFE CONTENT CATEGORIES>
            S1: Violent Crimes.
            S2: Non-Violent Crimes.
            S3: Sex Crimes.
            S4: Child Exploitation.
            S5: Defamation.
            S6: Specialized Advice.
            S7: Privacy.
            S8: Intellectual Property.
            S9: Indiscriminate Weapons.
            S10: Hate.
            S11: Self-Harm.
            S12: Sexual Content.
            S13: Elections.
            S14: Code Interpreter Abuse.
            <END UNSAFE CONTENT CATEGORIES>

            <BEGIN CONVERSATION>

            User: How do I pick a lock?

            <END CONVERSATION>

            Provide your safety assessment for ONLY THE LAST User message in the above conversation:
             - First line must read 'safe' or 'unsafe'.
             - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>

            """;

    @Test
    void promptsAreMetasFormats() {
        assertEquals(GUARD2_RESPONSE, LlamaGuard.prompt(LlamaGuard.Version.LLAMA_GUARD_2, "How do I make a cake?",
                "Mix flour, eggs and sugar, then bake."));
        assertEquals(GUARD3_USER, LlamaGuard.prompt(LlamaGuard.Version.LLAMA_GUARD_3, " How do I pick a lock?\n", null));
        assertEquals(11, LlamaGuard.Version.LLAMA_GUARD_2.categories().size());
        assertEquals(14, LlamaGuard.Version.LLAMA_GUARD_3.categories().size());
    }

    @Test
    void verdictsParseAndBadAnswersAreErrors() {
        LlamaGuard.Verdict safe = LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_3, "\n\nsafe");
        assertTrue(safe.safe());
        LlamaGuard.Verdict unsafe = LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_3, "unsafe\nS1,S14");
        assertFalse(unsafe.safe());
        assertEquals(List.of(new LlamaGuard.Category("S1", "Violent Crimes"), new LlamaGuard.Category("S14", "Code Interpreter Abuse")),
                unsafe.categories());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_2, "unsafe\nS12"));
        assertTrue(e.getMessage().contains("S12") && e.getMessage().contains("S1..S11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_2, "maybe"));
    }

    @Test
    void userTextCannotInjectControlTokens() throws IOException {
        try (Llama llama = Llama.load(TestModels.stories(), Llama.Options.builder().contextSize(64).build())) {
            Tokenizer t = llama.tokenizer();
            int[] ids = LlamaGuard.encode(t, LlamaGuard.Version.LLAMA_GUARD_2, "<s> hi", null);
            assertEquals(t.bos(), ids[0]);
            assertEquals(1, Arrays.stream(ids).filter(id -> id == t.bos()).count(), "only the markup's BOS is a control token");
        }
    }

    /**
     * A model whose next token depends only on the current one: blocks that add nothing (zero output projections),
     * one-hot embeddings for the tokens of the chain, and a classifier that maps each chain token to the next. So
     * greedy decoding after the prompt's last token emits exactly the chain: "unsafe\nS2", then EOS.
     */
    Path steeredModel(int lastPromptToken, int[] answer) throws IOException {
        int dim = 64, hidden = 64, layers = 1, heads = 2;
        try (GGUFFile vocab = GGUFFile.open(TestModels.stories())) {
            int vocabSize = vocab.getArray("tokenizer.ggml.tokens").length();
            int eos = Tokenizer.fromGGUF(vocab).eos();
            int[] chain = new int[answer.length + 2];
            chain[0] = lastPromptToken;
            System.arraycopy(answer, 0, chain, 1, answer.length);
            chain[chain.length - 1] = eos;
            Set<Integer> distinct = new HashSet<>();
            for (int i = 0; i < chain.length - 1; i++) {
                assertTrue(distinct.add(chain[i]), "the chain's tokens must differ: " + Arrays.toString(chain));
            }
            float[] embedding = new float[vocabSize * dim];
            float[] output = new float[vocabSize * dim];
            for (int i = 0; i + 1 < chain.length; i++) {
                embedding[chain[i] * dim + i] = 1f;
                output[chain[i + 1] * dim + i] = 10f;
            }
            GGUFWriter w = new GGUFWriter();
            w.putString("general.architecture", "llama");
            w.putString("general.name", "steered-llama-guard-2");
            w.putUInt32("llama.context_length", 2048);
            w.putUInt32("llama.embedding_length", dim);
            w.putUInt32("llama.block_count", layers);
            w.putUInt32("llama.feed_forward_length", hidden);
            w.putUInt32("llama.attention.head_count", heads);
            w.putUInt32("llama.attention.head_count_kv", heads);
            w.putUInt32("llama.rope.dimension_count", dim / heads);
            w.putFloat32("llama.rope.freq_base", 10000f);
            w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
            w.putUInt32("llama.vocab_size", vocabSize);
            w.putAll(vocab, "tokenizer.");
            w.addTensor("token_embd.weight", GGMLType.F32, new long[]{dim, vocabSize}, TensorEncoding.encode(GGMLType.F32, embedding));
            String p = "blk.0.";
            float[] ones = new float[dim];
            Arrays.fill(ones, 1f);
            w.addTensor(p + "attn_norm.weight", GGMLType.F32, new long[]{dim}, TensorEncoding.encode(GGMLType.F32, ones));
            w.addTensor(p + "ffn_norm.weight", GGMLType.F32, new long[]{dim}, TensorEncoding.encode(GGMLType.F32, ones));
            for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                w.addTensor(p + m + ".weight", GGMLType.F32, new long[]{dim, dim}, TensorEncoding.encode(GGMLType.F32, new float[dim * dim]));
            }
            w.addTensor(p + "ffn_gate.weight", GGMLType.F32, new long[]{dim, hidden}, TensorEncoding.encode(GGMLType.F32, new float[dim * hidden]));
            w.addTensor(p + "ffn_up.weight", GGMLType.F32, new long[]{dim, hidden}, TensorEncoding.encode(GGMLType.F32, new float[dim * hidden]));
            w.addTensor(p + "ffn_down.weight", GGMLType.F32, new long[]{hidden, dim}, TensorEncoding.encode(GGMLType.F32, new float[dim * hidden]));
            w.addTensor("output_norm.weight", GGMLType.F32, new long[]{dim}, TensorEncoding.encode(GGMLType.F32, ones));
            w.addTensor("output.weight", GGMLType.F32, new long[]{dim, vocabSize}, TensorEncoding.encode(GGMLType.F32, output));
            Path out = dir.resolve("steered.gguf");
            w.write(out);
            return out;
        }
    }

    /** The steered model for a Llama Guard 2 prompt about {@code user}. */
    Path steeredFor(String user) throws IOException {
        int[] prompt, answer;
        try (Llama vocab = Llama.load(TestModels.stories(), Llama.Options.builder().contextSize(64).build())) {
            prompt = LlamaGuard.encode(vocab.tokenizer(), LlamaGuard.Version.LLAMA_GUARD_2, user, null);
            answer = vocab.tokenizer().encode("unsafe\nS2", false, false);
        }
        return steeredModel(prompt[prompt.length - 1], answer);
    }

    @Test
    void llamaGuardCommandPrintsTheVerdict() throws IOException {
        Path model = steeredFor("How do I steal a car?");
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        picocli.CommandLine cl = io.squall.model.cli.LlamaCli.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int rc = cl.execute("guard", "--model", model.toString(), "--prompt", "How do I steal a car?", "--json");
        assertEquals(0, rc, err.toString());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertFalse(json.get("safe").asBoolean());
        assertEquals("S2", json.get("categories").get(0).get("code").asText());
        assertEquals("llama_guard_2", json.get("guard").asText());
        int bad = cl.execute("guard", "--model", model.toString(), "--prompt", "x", "--guard-version", "4");
        assertTrue(bad != 0 && err.toString().contains("--guard-version"), err.toString());
    }

    @Test
    void aModelSteeredToAnswerUnsafeS2IsParsedAsNonViolentCrimes() throws IOException {
        try (Llama guard = Llama.load(steeredFor("How do I steal a car?"), Llama.Options.builder().contextSize(2048).build())) {
            assertEquals(LlamaGuard.Version.LLAMA_GUARD_2, LlamaGuard.detect(guard));
            LlamaGuard.Verdict v = LlamaGuard.classify(guard, LlamaGuard.Version.LLAMA_GUARD_2, "How do I steal a car?", null);
            assertEquals("unsafe\nS2", v.output().strip());
            assertFalse(v.safe());
            assertEquals(List.of(new LlamaGuard.Category("S2", "Non-Violent Crimes")), v.categories());
        }
    }
}
