package io.squall.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word splitting that byte-level BPE applies before merging, chosen by {@code tokenizer.ggml.pre} as llama.cpp's
 * llama-vocab.cpp chooses it: a list of regular expressions applied in turn, each splitting every piece the previous
 * ones left into its matches and the text between them (unicode_regex_split). The expressions are llama.cpp's, with
 * {@code \s}, {@code \p{L}} and {@code \p{N}} read as Unicode classes (UNICODE_CHARACTER_CLASS), as llama.cpp's
 * category-collapsing matcher and Hugging Face's tokenizers read them.
 *
 * <p>Names are those llama.cpp accepts for models that run on its llama graph (Llama 3 and its derivatives, SmolLM,
 * DeepSeek LLM and Coder, Mistral NeMo's tekken, Smaug, Seed-Coder, Megrez/Qwen2-style, Viking, Minerva) plus the
 * generic GPT-2 and "default" ones; others are refused by name.
 *
 * @param name          the tokenizer.ggml.pre value this came from
 * @param ignoreMerges  a word that is itself a token is taken whole (llama.cpp sets this for the Llama 3 names only)
 */
record PreTokenizer(String name, List<Pattern> patterns, boolean ignoreMerges) {

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[一-龥ࠀ-一가-퟿]+";
    // code points that Unicode normalization would fold (U+1F7D, U+1FD3, U+1FDB, U+2126, U+212A, U+1FBE) are escaped
    private static final String DEEPSEEK_LETTERS =
            "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\\x{1f7d}ᾀ-ᾴᾶ-ᾼ\\x{1fbe}ῂ-ῄῆ-ῌῐ-\\x{1fd3}ῖ-\\x{1fdb}ῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\\x{2126}ℨ\\x{212a}-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ"
                    + "\\x{10400}-\\x{1044f}\\x{104b0}-\\x{104d3}\\x{104d8}-\\x{104fb}\\x{10c80}-\\x{10cb2}\\x{10cc0}-\\x{10cf2}"
                    + "\\x{118a0}-\\x{118df}\\x{1e900}-\\x{1e943}]+";

    /** llama.cpp's name -> regular expressions (and ignore_merges) table, for the names a llama-graph model may carry. */
    private static final Map<String, List<String>> TABLE = Map.ofEntries(
            Map.entry("llama3", List.of(LLAMA3)),
            Map.entry("llama-v3", List.of(LLAMA3)),
            Map.entry("llama-bpe", List.of(LLAMA3)),
            Map.entry("falcon3", List.of(LLAMA3)),
            Map.entry("pixtral", List.of(LLAMA3)),
            Map.entry("smaug-bpe", List.of(LLAMA3)),
            Map.entry("dbrx", List.of(LLAMA3)),
            Map.entry("default", List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]")),
            Map.entry("gpt-2", List.of(GPT2)),
            Map.entry("phi-2", List.of(GPT2)),
            Map.entry("mpt", List.of(GPT2)),
            Map.entry("olmo", List.of(GPT2)),
            Map.entry("smollm", List.of("\\p{N}", GPT2)),
            Map.entry("starcoder", List.of("\\p{N}", GPT2)),
            Map.entry("refact", List.of("\\p{N}", GPT2)),
            Map.entry("minerva-7b", List.of("\\p{N}", GPT2)),
            Map.entry("codeshell", List.of("\\p{N}", GPT2)),
            Map.entry("qwen2", List.of(QWEN2)),
            Map.entry("megrez", List.of(QWEN2)),
            Map.entry("stablelm2", List.of(QWEN2)),
            Map.entry("deepseek-r1-qwen", List.of(QWEN2)),
            Map.entry(
                    "deepseek-llm",
                    List.of("[\r\n]", DEEPSEEK_LETTERS, "\\s?[!-/:-~！-／：-～‘-‟　-。]+", "\\s+\\z", CJK, "\\p{N}+")),
            Map.entry("deepseek-coder", List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}")),
            Map.entry(
                    "tekken",
                    List.of("[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
                            + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
                            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")),
            Map.entry(
                    "seed-coder",
                    List.of(
                            CONTRACTIONS
                                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")),
            Map.entry("viking", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+", "\\p{N}")));

    private static final java.util.Set<String> IGNORE_MERGES =
            java.util.Set.of("llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral");

    /** The names {@link #of} knows. */
    static java.util.SortedSet<String> names() {
        return new TreeSet<>(TABLE.keySet());
    }

    /** The pre-tokenizer of a tokenizer.ggml.pre value; null (files from before llama.cpp recorded it) means "default". */
    static PreTokenizer of(String name) {
        String n = name == null ? "default" : name;
        List<String> expressions = TABLE.get(n);
        if (expressions == null) {
            throw new IllegalArgumentException("tokenizer.ggml.pre: pre-tokenizer '" + n
                    + "' is not supported (supported: " + String.join(", ", names()) + ")");
        }
        return new PreTokenizer(
                n,
                expressions.stream()
                        .map(e -> Pattern.compile(e, Pattern.UNICODE_CHARACTER_CLASS))
                        .toList(),
                IGNORE_MERGES.contains(n));
    }

    /** The words of the text, in order; together they are the whole text. */
    List<String> split(String text) {
        List<String> words = List.of(text);
        for (Pattern p : patterns) {
            List<String> next = new ArrayList<>();
            for (String w : words) {
                split(p, w, next);
            }
            words = next;
        }
        return words;
    }

    /** One expression over one piece: its matches and the (non-empty) text between them, in order. */
    static void split(Pattern p, String text, List<String> out) {
        Matcher m = p.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue; // an empty match splits nothing
            }
            if (m.start() > end) {
                out.add(text.substring(end, m.start()));
            }
            out.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            out.add(text.substring(end));
        }
    }
}
