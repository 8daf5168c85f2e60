package io.squall.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every fixture of tokenizer-fixtures (llama.cpp's ids) must match exactly, with and without special parsing. */
class FixtureTokenizationTest {

    @Test
    void llama2MatchesLlamaCpp() {
        check(TestVocabularies.llama2(), TestVocabularies.fixtures("llama2-fixtures.json"));
    }

    @Test
    void llama3MatchesLlamaCpp() {
        check(TestVocabularies.llama3(), TestVocabularies.fixtures("llama3-fixtures.json"));
    }

    @Test
    void llama2RoundTrips() {
        roundTrip(TestVocabularies.llama2(), TestVocabularies.fixtures("llama2-fixtures.json"));
    }

    @Test
    void llama3RoundTrips() {
        roundTrip(TestVocabularies.llama3(), TestVocabularies.fixtures("llama3-fixtures.json"));
    }

    private static void check(Tokenizer tokenizer, List<TestVocabularies.FixtureCase> cases) {
        List<String> failures = new ArrayList<>();
        for (var c : cases) {
            int[] plain = tokenizer.encode(c.text(), false, false);
            if (!Arrays.equals(c.ids(), plain))
                failures.add("ids of " + quote(c.text()) + "\n  expected " + Arrays.toString(c.ids()) + "\n  actual   "
                        + Arrays.toString(plain));
            int[] special = tokenizer.encode(c.text(), false, true);
            if (!Arrays.equals(c.idsParseSpecial(), special))
                failures.add("idsParseSpecial of " + quote(c.text()) + "\n  expected "
                        + Arrays.toString(c.idsParseSpecial()) + "\n  actual   " + Arrays.toString(special));
            int[] withBos = tokenizer.encode(c.text(), true, false);
            if (withBos.length != plain.length + 1 || withBos[0] != tokenizer.bos())
                failures.add("BOS not prepended for " + quote(c.text()));
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + 2 * cases.size() + " fixture encodings differ:\n"
                        + String.join("\n", failures));
    }

    private static void roundTrip(Tokenizer tokenizer, List<TestVocabularies.FixtureCase> cases) {
        for (var c : cases) {
            assertEquals(c.text(), tokenizer.decode(c.ids()), "decode(fixture ids) of " + quote(c.text()));
            assertEquals(
                    c.text(),
                    tokenizer.decode(tokenizer.encode(c.text(), true, false)),
                    "decode(encode(text)) with BOS of " + quote(c.text()));
        }
    }

    static String quote(String s) {
        return '"' + s.replace("\n", "\\n").replace("\t", "\\t") + '"';
    }
}
