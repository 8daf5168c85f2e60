package io.squall.llama;

import io.squall.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Content-safety classification with Meta's Llama Guard models: the prompt formats of Llama Guard 2 (11 categories,
 * Llama 3 based, {@code [INST]} format) and Llama Guard 3 (14 categories, Llama 3.1 based, header format), as Meta
 * publishes them (model cards and prompt-format pages; llama-recipes' {@code prompt_format_utils}), and the parsing
 * of the model's answer: {@code safe}, or {@code unsafe} and a line of comma-separated category codes.
 * <pre>{@code
 * try (Llama guard = Llama.load(Path.of("Llama-Guard-3-8B-Q8_0.gguf"))) {
 *     LlamaGuard.Verdict v = LlamaGuard.classify(guard, LlamaGuard.Version.LLAMA_GUARD_3, "How do I pick a lock?", null);
 * }
 * }</pre>
 */
public final class LlamaGuard {
    private LlamaGuard() {}

    /** A hazard category: its code in the model's answer ({@code S2}) and its name in the prompt. */
    public record Category(String code, String name) {}

    /** The two prompt formats and their category lists. */
    public enum Version {
        /** Llama Guard 2 (Meta-Llama-Guard-2-8B), shipped with Llama 3: 11 categories. */
        LLAMA_GUARD_2(List.of(
                "Violent Crimes",
                "Non-Violent Crimes",
                "Sex Crimes",
                "Child Exploitation",
                "Specialized Advice",
                "Privacy",
                "Intellectual Property",
                "Indiscriminate Weapons",
                "Hate",
                "Self-Harm",
                "Sexual Content")),
        /** Llama Guard 3 (Llama-Guard-3-8B and 1B), shipped with Llama 3.1 and 3.2: 14 categories. */
        LLAMA_GUARD_3(List.of(
                "Violent Crimes",
                "Non-Violent Crimes",
                "Sex Crimes",
                "Child Exploitation",
                "Defamation",
                "Specialized Advice",
                "Privacy",
                "Intellectual Property",
                "Indiscriminate Weapons",
                "Hate",
                "Self-Harm",
                "Sexual Content",
                "Elections",
                "Code Interpreter Abuse"));

        private final List<Category> categories;

        Version(List<String> names) {
            List<Category> c = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                c.add(new Category("S" + (i + 1), names.get(i)));
            }
            categories = List.copyOf(c);
        }

        /** The categories, S1 first. */
        public List<Category> categories() {
            return categories;
        }

        /** {@code 2} or {@code 3}, as on the command line. */
        public static Version of(String number) {
            return switch (number.strip()) {
                case "2" -> LLAMA_GUARD_2;
                case "3" -> LLAMA_GUARD_3;
                default ->
                    throw new IllegalArgumentException("Llama Guard version must be 2 or 3, got '" + number + "'");
            };
        }
    }

    /**
     * The classification.
     *
     * @param safe       whether the model judged the last message safe
     * @param categories the violated categories (empty when safe)
     * @param output     the model's raw answer
     */
    public record Verdict(boolean safe, List<Category> categories, String output) {}

    /** The BOS text both formats start with (Llama 3's vocabulary); {@link #encode} maps it to the model's BOS token. */
    static final String BEGIN_OF_TEXT = "<|begin_of_text|>";

    /**
     * The prompt text that asks the model to judge the last message: the user's {@code prompt} alone, or the agent's
     * {@code response} to it (then both appear in the conversation, as the model card asks).
     */
    public static String prompt(Version version, String userMessage, String agentResponse) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces(version, userMessage, agentResponse)) {
            sb.append(p.text());
        }
        return sb.toString();
    }

    /** The prompt's token ids: the markup's special tokens are parsed, the messages' text never is. */
    public static int[] encode(Tokenizer tokenizer, Version version, String userMessage, String agentResponse) {
        List<Tokenizer.Segment> segments = new ArrayList<>();
        for (Piece p : pieces(version, userMessage, agentResponse)) {
            String text = p.markup() ? p.text().replace(BEGIN_OF_TEXT, tokenizer.tokenText(tokenizer.bos())) : p.text();
            segments.add(new Tokenizer.Segment(text, p.markup()));
        }
        return tokenizer.encode(segments, false);
    }

    /** Runs the guard model greedily on the prompt and parses its answer. */
    public static Verdict classify(Llama guard, Version version, String userMessage, String agentResponse) {
        int[] prompt = encode(guard.tokenizer(), version, userMessage, agentResponse);
        Completion c = guard.generate(GenerationRequest.tokens(prompt)
                .maxTokens(32)
                .sampling(Sampling.greedy())
                .build());
        return parse(version, c.text());
    }

    /** The version a guard model file names ({@code general.name} with "Guard 2" / "Guard-2"), else Llama Guard 3. */
    public static Version detect(Llama guard) {
        String name = guard.name().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ');
        return name.contains("guard 2") ? Version.LLAMA_GUARD_2 : Version.LLAMA_GUARD_3;
    }

    /**
     * Parses an answer: first line {@code safe} or {@code unsafe}; after {@code unsafe}, a line of category codes
     * separated by commas. Anything else is an {@link IllegalArgumentException} that quotes the answer.
     */
    public static Verdict parse(Version version, String output) {
        String[] lines = output.strip().split("\\R");
        String first = lines[0].strip();
        if (first.equals("safe")) {
            return new Verdict(true, List.of(), output);
        }
        if (!first.equals("unsafe")) {
            throw new IllegalArgumentException(
                    "Llama Guard answered '" + output.strip() + "': expected 'safe' or 'unsafe' on the first line");
        }
        List<Category> violated = new ArrayList<>();
        if (lines.length > 1) {
            for (String code : lines[1].split(",")) {
                String c = code.strip().toUpperCase(Locale.ROOT);
                Category found = version.categories().stream()
                        .filter(k -> k.code().equals(c))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("Llama Guard answered '" + output.strip()
                                + "': '" + code.strip() + "' is not a category of " + version + " (S1..S"
                                + version.categories().size() + ")"));
                if (!violated.contains(found)) {
                    violated.add(found);
                }
            }
        }
        return new Verdict(false, List.copyOf(violated), output);
    }

    private record Piece(String text, boolean markup) {}

    private static List<Piece> pieces(Version version, String userMessage, String agentResponse) {
        Objects.requireNonNull(userMessage, "userMessage");
        String role = agentResponse == null ? "User" : "Agent";
        StringBuilder categories = new StringBuilder();
        for (Category c : version.categories()) {
            // Llama Guard 2's category lines end with ". " (a trailing space), Llama Guard 3's with "."
            categories
                    .append(c.code())
                    .append(": ")
                    .append(c.name())
                    .append(version == Version.LLAMA_GUARD_2 ? ". \n" : ".\n");
        }
        String task = "Task: Check if there is unsafe content in '" + role
                + "' messages in conversations according our safety policy with the below categories.\n\n"
                + "<BEGIN UNSAFE CONTENT CATEGORIES>\n" + categories
                + "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\nUser: ";
        String instructions = "\n\n<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST " + role
                + " message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n"
                + " - If unsafe, a second line must include a comma-separated list of violated categories.";
        List<Piece> out = new ArrayList<>();
        out.add(new Piece(
                BEGIN_OF_TEXT
                        + (version == Version.LLAMA_GUARD_2
                                ? "[INST] "
                                : "<|start_header_id|>user<|end_header_id|>\n\n")
                        + task,
                true));
        out.add(new Piece(userMessage.strip(), false));
        if (agentResponse != null) {
            out.add(new Piece("\n\nAgent: ", true));
            out.add(new Piece(agentResponse.strip(), false));
        }
        out.add(new Piece(
                instructions
                        + (version == Version.LLAMA_GUARD_2
                                ? " [/INST]"
                                : "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"),
                true));
        return out;
    }
}
