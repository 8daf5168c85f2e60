package io.squall.model.chat;

import io.squall.model.chat.jinja.JinjaException;
import io.squall.model.chat.jinja.JinjaTemplate;
import io.squall.model.chat.jinja.Str;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.tokenizer.GGUFVocabulary;
import io.squall.model.tokenizer.Tokenizer;
import io.squall.model.tokenizer.Tokenizer.Segment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's chat format: the Jinja template the GGUF file carries in {@code tokenizer.chat_template}, rendered as
 * Hugging Face transformers renders it ({@link JinjaTemplate}); or, chosen with {@code --chat-template} or for files
 * without a usable template, one of the two built-in Llama formats, rendered as Meta's Jinja templates render them:
 * <ul>
 *   <li>{@code llama2}: {@code <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s><s>[INST] ...}</li>
 *   <li>{@code llama3}: {@code <|begin_of_text|><|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>...},
 *       then {@code <|start_header_id|>assistant<|end_header_id|>\n\n} as the generation prompt.</li>
 * </ul>
 * Encoding parses the markup's special tokens but never the messages' content, so a user typing
 * {@code <|eot_id|>} gets text, not a control token.
 */
public final class ChatTemplate implements ChatFormat {
    public static final String LLAMA2 = "llama2";
    public static final String LLAMA3 = "llama3";
    /** The name of templates taken from the file. */
    public static final String JINJA = "jinja";

    private final String name;
    private final Tokenizer tokenizer;
    /** The file's template; null for the built-in formats. */
    private final JinjaTemplate jinja;

    private ChatTemplate(String name, Tokenizer tokenizer) {
        this(name, tokenizer, null);
    }

    private ChatTemplate(String name, Tokenizer tokenizer, JinjaTemplate jinja) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.jinja = jinja;
    }

    /**
     * The template for a model: the override when given ("llama2" or "llama3"), else {@code tokenizer.chat_template}
     * rendered as Jinja, else (no template, or one this interpreter cannot parse) the family whose markers the
     * template text contains, else the family of the vocabulary.
     */
    public static ChatTemplate forModel(GGUFFile gguf, Tokenizer tokenizer, String override) {
        return of(gguf.getString(GGUFVocabulary.CHAT_TEMPLATE, null), tokenizer, override);
    }

    /** As {@link #forModel}, with the Jinja template text (or null) given directly. */
    public static ChatTemplate of(String jinjaTemplate, Tokenizer tokenizer, String override) {
        if (override != null) {
            String family = override.toLowerCase(Locale.ROOT);
            if (!family.equals(LLAMA2) && !family.equals(LLAMA3))
                throw new IllegalArgumentException(
                        "unknown chat template '" + override + "' (expected llama2 or llama3)");
            return new ChatTemplate(family, tokenizer);
        }
        if (jinjaTemplate != null) {
            try {
                return new ChatTemplate(JINJA, tokenizer, JinjaTemplate.parse(jinjaTemplate));
            } catch (JinjaException e) {
                System.err.println("warning: tokenizer.chat_template: " + e.getMessage()
                        + "; using the built-in Llama format its markers suggest");
            }
            if (jinjaTemplate.contains("<|start_header_id|>")) return new ChatTemplate(LLAMA3, tokenizer);
            if (jinjaTemplate.contains("[INST]")) return new ChatTemplate(LLAMA2, tokenizer);
        }
        boolean headers = tokenizer.tokenId("<|start_header_id|>").isPresent()
                && tokenizer.tokenId("<|eot_id|>").isPresent();
        return new ChatTemplate(headers ? LLAMA3 : LLAMA2, tokenizer);
    }

    @Override
    public String name() {
        return name;
    }

    /** The prompt text. */
    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder text = new StringBuilder();
        for (Segment s : segments(messages, addGenerationPrompt)) text.append(s.text());
        return text.toString();
    }

    /** The prompt's token ids (BOS included, from the markup); specials are parsed in the markup only. */
    @Override
    public int[] encode(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(segments(messages, addGenerationPrompt), false);
    }

    /**
     * The most recent part of the conversation that fits {@code maxTokens}: the system message (if first) and the
     * last message are kept; the oldest other turns are dropped until the encoding fits. Throws if even the
     * system message and the last message do not fit.
     */
    @Override
    public List<ChatMessage> fit(List<ChatMessage> messages, int maxTokens, boolean addGenerationPrompt) {
        if (messages.isEmpty()) return messages;
        List<ChatMessage> kept = new ArrayList<>(messages);
        int first = kept.getFirst().role().equals("system") ? 1 : 0;
        while (encode(kept, addGenerationPrompt).length > maxTokens) {
            if (kept.size() - first <= 1)
                throw new IllegalArgumentException("the prompt needs " + encode(kept, addGenerationPrompt).length
                        + " tokens even without earlier turns; the context allows " + maxTokens);
            kept.remove(first);
            // Llama 2 (and many file templates) need user/assistant alternation starting with a user turn.
            if (!name.equals(LLAMA3)
                    && kept.size() - first > 1
                    && !kept.get(first).role().equals("user")) kept.remove(first);
        }
        return kept;
    }

    private List<Segment> segments(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (jinja != null) {
            return rendered(messages, addGenerationPrompt);
        }
        return name.equals(LLAMA3) ? llama3(messages, addGenerationPrompt) : llama2(messages);
    }

    /**
     * The file's template with transformers' variables (messages, add_generation_prompt, bos_token, eos_token); role
     * and content are content, never markup. When the vocabulary asks for BOS and the template does not write it
     * (Zephyr, ChatML), it is prepended, as llama.cpp does when it tokenizes a rendered prompt.
     */
    private List<Segment> rendered(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Object> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", Str.content(m.role()));
            message.put("content", Str.content(m.content()));
            list.add(message);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", list);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", Str.markup(tokenizer.tokenText(tokenizer.bos())));
        vars.put("eos_token", Str.markup(tokenizer.tokenText(tokenizer.eos())));
        Str out;
        try {
            out = jinja.render(vars);
        } catch (JinjaException e) {
            throw new IllegalArgumentException("chat template: " + e.getMessage(), e);
        }
        List<Segment> segments = new ArrayList<>();
        String bos = tokenizer.tokenText(tokenizer.bos());
        if (tokenizer.addBosByDefault() && !out.text().startsWith(bos)) {
            segments.add(markup(bos));
        }
        for (Str.Part p : out.parts()) {
            segments.add(new Segment(p.text(), !p.content()));
        }
        return segments;
    }

    private List<Segment> llama3(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Segment> out = new ArrayList<>();
        out.add(markup(tokenizer.tokenText(tokenizer.bos())));
        for (ChatMessage m : messages) {
            out.add(markup("<|start_header_id|>"));
            out.add(content(m.role()));
            out.add(markup("<|end_header_id|>\n\n"));
            out.add(content(m.content().strip()));
            out.add(markup("<|eot_id|>"));
        }
        if (addGenerationPrompt) out.add(markup("<|start_header_id|>assistant<|end_header_id|>\n\n"));
        return out;
    }

    /** Meta's Llama 2 template: an optional leading system message, then strictly alternating user/assistant turns. */
    private List<Segment> llama2(List<ChatMessage> messages) {
        String bos = tokenizer.tokenText(tokenizer.bos()), eos = tokenizer.tokenText(tokenizer.eos());
        List<Segment> out = new ArrayList<>();
        int start = !messages.isEmpty() && messages.getFirst().role().equals("system") ? 1 : 0;
        String system = start == 1 ? messages.getFirst().content() : null;
        for (int i = start; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String expected = (i - start) % 2 == 0 ? "user" : "assistant";
            if (!m.role().equals(expected))
                throw new IllegalArgumentException(
                        "Llama 2 chat: message " + i + " has role '" + m.role() + "', expected '" + expected
                                + "' (an optional system message first, then user/assistant turns alternating)");
            if (expected.equals("user")) {
                out.add(markup(bos + "[INST] "));
                if (i == start && system != null) {
                    // Meta's template strips "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + user as a whole.
                    String user = m.content().stripTrailing();
                    out.add(markup("<<SYS>>\n"));
                    out.add(content(system));
                    out.add(markup(user.isEmpty() ? "\n<</SYS>>" : "\n<</SYS>>\n\n"));
                    out.add(content(user));
                } else {
                    out.add(content(m.content().strip()));
                }
                out.add(markup(" [/INST]"));
            } else {
                out.add(markup(" "));
                out.add(content(m.content().strip()));
                out.add(markup(" " + eos));
            }
        }
        return out;
    }

    private static Segment markup(String text) {
        return new Segment(text, true);
    }

    private static Segment content(String text) {
        return new Segment(text, false);
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + "]";
    }
}
