package io.squall.model.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published Llama 2, Llama 3, Llama 3.1 (system prompt, date, tools), Mistral, Zephyr/TinyLlama and SmolLM2
 * templates rendered against jinja2 with transformers' environment (resources/chat: the fixtures and gen_chat.py,
 * which wrote them), including the conversations the templates refuse with raise_exception.
 */
class JinjaTemplateTest {

    static JsonNode fixtures() throws IOException {
        try (InputStream in = JinjaTemplateTest.class.getResourceAsStream("/chat/chat-template-fixtures.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Object value(JsonNode n) {
        if (n.isTextual()) {
            return Str.markup(n.asText());
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(value(x)));
            return l;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), value(e.getValue())));
            return m;
        }
        return null;
    }

    static List<Object> messages(JsonNode conversation) {
        List<Object> out = new ArrayList<>();
        for (JsonNode m : conversation) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", Str.content(m.path("role").asText()));
            message.put("content", Str.content(m.path("content").asText()));
            out.add(message);
        }
        return out;
    }

    @Test
    void publishedTemplatesRenderAsTransformers() throws IOException {
        JsonNode root = fixtures();
        int checked = 0;
        for (JsonNode c : root.path("cases")) {
            JsonNode t = root.path("templates").path(c.path("template").asText());
            JinjaTemplate template = JinjaTemplate.parse(t.path("source").asText());
            Map<String, Object> vars = new HashMap<>();
            vars.put(
                    "messages",
                    messages(root.path("conversations")
                            .path(c.path("conversation").asText())));
            vars.put("add_generation_prompt", c.path("add_generation_prompt").asBoolean());
            vars.put("bos_token", Str.markup(t.path("bos_token").asText()));
            vars.put("eos_token", Str.markup(t.path("eos_token").asText()));
            c.path("extra").properties().forEach(e -> vars.put(e.getKey(), value(e.getValue())));
            String what = c.path("template").asText() + " / "
                    + c.path("conversation").asText() + " / agp " + c.path("add_generation_prompt");
            if (c.has("error")) {
                JinjaException e = assertThrows(JinjaException.class, () -> template.render(vars), what);
                assertEquals(c.path("error").asText(), e.getMessage(), what);
            } else {
                assertEquals(c.path("expected").asText(), template.render(vars).text(), what);
            }
            checked++;
        }
        assertTrue(checked >= 62, "cases: " + checked);
    }

    @Test
    void contentKeepsItsOriginThroughConcatenationAndTrim() {
        JinjaTemplate t = JinjaTemplate.parse("{{ '<|a|>' + m | trim + '<|b|>' }}");
        Str out = t.render(Map.of("m", Str.content("  <|a|> hi  ")));
        assertEquals("<|a|><|a|> hi<|b|>", out.text());
        assertEquals(
                List.of(new Str.Part("<|a|>", false), new Str.Part("<|a|> hi", true), new Str.Part("<|b|>", false)),
                out.parts());
    }

    @Test
    void expressionsFollowPythonAndJinja() {
        Map<String, Object> v = Map.of("xs", List.of(1L, 2L, 3L), "d", Map.of("k", Str.markup("v")));
        assertEquals(
                "3|1|2 3|True|False|v|x|7|2|-1",
                JinjaTemplate.parse(
                                "{{ xs|length }}|{{ xs[0] }}|{{ xs[1:]|join(' ') }}|{{ 2 in xs }}|{{ 'a' in 'xyz' }}|{{ d.k }}|"
                                        + "{{ 'x' if not missing is defined else 'y' }}|{{ 1 + 2 * 3 }}|{{ 7 // 3 }}|{{ -7 // 4 + 1 }}")
                        .render(v)
                        .text());
        assertEquals(
                "a-b-c",
                JinjaTemplate.parse(
                                "{% set ns = namespace(s='') %}{% for x in ['a','b','c'] %}"
                                        + "{% set ns.s = ns.s + x %}{% if not loop.last %}{% set ns.s = ns.s + '-' %}{% endif %}{% endfor %}{{ ns.s }}")
                        .render(Map.of())
                        .text());
        assertEquals(
                "\n  x",
                JinjaTemplate.parse("{% if true %}\n  {% if true %}\n\n  x{% endif %}{% endif %}")
                        .render(Map.of())
                        .text(),
                "trim_blocks drops the newline after a block tag, lstrip_blocks the indentation before one");
    }

    @Test
    void errorsNameTheConstructAndLine() {
        JinjaException e =
                assertThrows(JinjaException.class, () -> JinjaTemplate.parse("ok\n{% macro m() %}{% endmacro %}"));
        assertTrue(e.getMessage().contains("macro") && e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(JinjaException.class, () -> JinjaTemplate.parse("{% if x %}never closed"));
        assertTrue(e.getMessage().contains("endif"), e.getMessage());
        e = assertThrows(
                JinjaException.class,
                () -> JinjaTemplate.parse("{{ x | nosuchfilter }}").render(Map.of("x", 1L)));
        assertTrue(e.getMessage().contains("nosuchfilter"), e.getMessage());
        assertFalse(JinjaTemplate.truthy(Undefined.INSTANCE));
    }
}
