package io.squall.llama;

import io.squall.model.convert.ChainModel;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.llama.TestModels;
import io.squall.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
        assertEquals(
                GUARD2_RESPONSE,
                LlamaGuard.prompt(
                        LlamaGuard.Version.LLAMA_GUARD_2,
                        "How do I make a cake?",
                        "Mix flour, eggs and sugar, then bake."));
        assertEquals(
                GUARD3_USER, LlamaGuard.prompt(LlamaGuard.Version.LLAMA_GUARD_3, " How do I pick a lock?\n", null));
        assertEquals(11, LlamaGuard.Version.LLAMA_GUARD_2.categories().size());
        assertEquals(14, LlamaGuard.Version.LLAMA_GUARD_3.categories().size());
    }

    @Test
    void verdictsParseAndBadAnswersAreErrors() {
        LlamaGuard.Verdict safe = LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_3, "\n\nsafe");
        assertTrue(safe.safe());
        LlamaGuard.Verdict unsafe = LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_3, "unsafe\nS1,S14");
        assertFalse(unsafe.safe());
        assertEquals(
                List.of(
                        new LlamaGuard.Category("S1", "Violent Crimes"),
                        new LlamaGuard.Category("S14", "Code Interpreter Abuse")),
                unsafe.categories());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_2, "unsafe\nS12"));
        assertTrue(e.getMessage().contains("S12") && e.getMessage().contains("S1..S11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LlamaGuard.parse(LlamaGuard.Version.LLAMA_GUARD_2, "maybe"));
    }

    @Test
    void userTextCannotInjectControlTokens() throws IOException {
        try (Llama llama = Llama.load(
                TestModels.stories(), Llama.Options.builder().contextSize(64).build())) {
            Tokenizer t = llama.tokenizer();
            int[] ids = LlamaGuard.encode(t, LlamaGuard.Version.LLAMA_GUARD_2, "<s> hi", null);
            assertEquals(t.bos(), ids[0]);
            assertEquals(
                    1,
                    Arrays.stream(ids).filter(id -> id == t.bos()).count(),
                    "only the markup's BOS is a control token");
        }
    }

    /** A model steered to answer {@code answer} after {@code lastPromptToken}, then EOS (see {@link ChainModel}). */
    Path steeredModel(int lastPromptToken, int[] answer) throws IOException {
        try (GGUFFile vocab = GGUFFile.open(TestModels.stories())) {
            int[] chain = new int[answer.length + 2];
            chain[0] = lastPromptToken;
            System.arraycopy(answer, 0, chain, 1, answer.length);
            chain[chain.length - 1] = Tokenizer.fromGGUF(vocab).eos();
            Path out = dir.resolve("steered.gguf");
            ChainModel.write(vocab, "steered-llama-guard-2", chain, 2048, out);
            return out;
        }
    }

    /** The steered model for a Llama Guard 2 prompt about {@code user}. */
    Path steeredFor(String user) throws IOException {
        int[] prompt, answer;
        try (Llama vocab = Llama.load(
                TestModels.stories(), Llama.Options.builder().contextSize(64).build())) {
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
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertFalse(json.get("safe").asBoolean());
        assertEquals("S2", json.get("categories").get(0).get("code").asText());
        assertEquals("llama_guard_2", json.get("guard").asText());
        int bad = cl.execute("guard", "--model", model.toString(), "--prompt", "x", "--guard-version", "4");
        assertTrue(bad != 0 && err.toString().contains("--guard-version"), err.toString());
    }

    @Test
    void aModelSteeredToAnswerUnsafeS2IsParsedAsNonViolentCrimes() throws IOException {
        try (Llama guard = Llama.load(
                steeredFor("How do I steal a car?"),
                Llama.Options.builder().contextSize(2048).build())) {
            assertEquals(LlamaGuard.Version.LLAMA_GUARD_2, LlamaGuard.detect(guard));
            LlamaGuard.Verdict v =
                    LlamaGuard.classify(guard, LlamaGuard.Version.LLAMA_GUARD_2, "How do I steal a car?", null);
            assertEquals("unsafe\nS2", v.output().strip());
            assertFalse(v.safe());
            assertEquals(List.of(new LlamaGuard.Category("S2", "Non-Violent Crimes")), v.categories());
        }
    }
}
