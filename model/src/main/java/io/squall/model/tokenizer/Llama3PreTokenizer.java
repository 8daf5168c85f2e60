package io.squall.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, with Llama 3's pattern
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}.
 * {@code \s} is Unicode White_Space (as in the Hugging Face and llama.cpp implementations), hence
 * UNICODE_CHARACTER_CLASS; the case-insensitive contractions are spelled out so that only ASCII letters fold.
 */
final class Llama3PreTokenizer {
    private static final Pattern PATTERN = Pattern.compile(
            "'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]"
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                    + "|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+"
                    + "|\\s+(?!\\S)"
                    + "|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private Llama3PreTokenizer() {}

    /** The words of the text, in order; together they are the whole text. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) words.add(text.substring(end, m.start()));   // unmatched gap stays a word
            words.add(m.group());
            end = m.end();
        }
        if (end < text.length()) words.add(text.substring(end));
        return words;
    }
}
