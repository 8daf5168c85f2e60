package io.squall.model.chat.jinja;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.squall.model.chat.jinja.JinjaTemplate.equal;
import static io.squall.model.chat.jinja.JinjaTemplate.iterate;
import static io.squall.model.chat.jinja.JinjaTemplate.number;
import static io.squall.model.chat.jinja.JinjaTemplate.str;
import static io.squall.model.chat.jinja.JinjaTemplate.truthy;
import static io.squall.model.chat.jinja.JinjaTemplate.typeName;

/** Jinja's filters and tests, Python's string and dict methods, and transformers' tojson, as chat templates use them. */
final class Filters {
    private Filters() {}

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        return switch (name) {
            case "trim" ->
                str(v).strip(
                                true,
                                true,
                                args.isEmpty() ? null : str(args.getFirst()).text());
            case "length", "count" ->
                switch (v) {
                    case Str s -> (long) s.text().length();
                    case Collection<?> c -> (long) c.size();
                    case Map<?, ?> m -> (long) m.size();
                    case Undefined u -> 0L;
                    default -> throw new JinjaException("object of type " + typeName(v) + " has no length");
                };
            case "upper" -> str(v).map(s -> s.toUpperCase(Locale.ROOT));
            case "lower" -> str(v).map(s -> s.toLowerCase(Locale.ROOT));
            case "capitalize" -> {
                String t = str(v).text();
                yield Str.markup(
                        t.isEmpty()
                                ? t
                                : t.substring(0, 1).toUpperCase(Locale.ROOT)
                                        + t.substring(1).toLowerCase(Locale.ROOT));
            }
            case "title" -> {
                StringBuilder b = new StringBuilder();
                boolean start = true;
                for (char c : str(v).text().toCharArray()) {
                    b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
                    start = !Character.isLetterOrDigit(c);
                }
                yield Str.markup(b.toString());
            }
            case "string" -> str(v);
            case "safe", "e", "escape" -> v; // no HTML escaping (transformers' environment does not autoescape)
            case "int" ->
                v instanceof Str s ? parseLong(s.text()) : (Object) number(v).longValue();
            case "float" ->
                v instanceof Str s
                        ? Double.parseDouble(s.text().strip())
                        : (Object) number(v).doubleValue();
            case "abs" ->
                v instanceof Long l
                        ? (Object) Math.abs(l)
                        : (Object) Math.abs(number(v).doubleValue());
            case "default", "d" ->
                v instanceof Undefined || (args.size() > 1 && truthy(args.get(1)) && !truthy(v))
                        ? (args.isEmpty() ? Str.markup("") : args.getFirst())
                        : v;
            case "first" -> {
                List<Object> l = iterate(v);
                yield l.isEmpty() ? Undefined.INSTANCE : l.getFirst();
            }
            case "last" -> {
                List<Object> l = iterate(v);
                yield l.isEmpty() ? Undefined.INSTANCE : l.getLast();
            }
            case "list" -> iterate(v);
            case "reverse" ->
                v instanceof Str s
                        ? Str.markup(new StringBuilder(s.text()).reverse().toString())
                        : iterate(v).reversed();
            case "join" -> {
                Str sep = args.isEmpty() ? Str.markup("") : str(args.getFirst());
                Str out = Str.markup("");
                boolean first = true;
                for (Object o : iterate(v)) {
                    out = first ? out.concat(str(o)) : out.concat(sep).concat(str(o));
                    first = false;
                }
                yield out;
            }
            case "items" -> {
                if (!(v instanceof Map<?, ?> m)) {
                    throw new JinjaException("items needs a dict, got " + typeName(v));
                }
                List<Object> pairs = new ArrayList<>();
                m.forEach((k, x) -> pairs.add(List.of(k instanceof String s ? Str.markup(s) : k, x)));
                yield pairs;
            }
            case "select", "reject" -> {
                boolean keep = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object o : iterate(v)) {
                    boolean pass = args.isEmpty()
                            ? truthy(o)
                            : test(str(args.getFirst()).text(), o, args.subList(1, args.size()));
                    if (pass == keep) {
                        out.add(o);
                    }
                }
                yield out;
            }
            case "selectattr", "rejectattr" -> {
                boolean keep = name.equals("selectattr");
                String attr = str(args.getFirst()).text();
                List<Object> out = new ArrayList<>();
                for (Object o : iterate(v)) {
                    Object a = o instanceof Map<?, ?> m && m.containsKey(attr) ? m.get(attr) : Undefined.INSTANCE;
                    boolean pass = args.size() < 2
                            ? truthy(a)
                            : test(str(args.get(1)).text(), a, args.subList(2, args.size()));
                    if (pass == keep) {
                        out.add(o);
                    }
                }
                yield out;
            }
            case "map" -> {
                List<Object> out = new ArrayList<>();
                Object attr = kwargs.get("attribute");
                for (Object o : iterate(v)) {
                    if (attr != null) {
                        String a = str(attr).text();
                        out.add(
                                o instanceof Map<?, ?> m && m.containsKey(a)
                                        ? m.get(a)
                                        : kwargs.getOrDefault("default", Undefined.INSTANCE));
                    } else {
                        out.add(apply(str(args.getFirst()).text(), o, args.subList(1, args.size()), Map.of()));
                    }
                }
                yield out;
            }
            case "replace" -> {
                String from = str(args.get(0)).text();
                String to = str(args.get(1)).text();
                Str s = str(v);
                yield s.parts().stream().anyMatch(Str.Part::content)
                        ? Str.content(s.text().replace(from, to))
                        : Str.markup(s.text().replace(from, to));
            }
            case "tojson" -> {
                Object indent = kwargs.getOrDefault("indent", args.isEmpty() ? null : args.getFirst());
                String json = Json.dump(v, indent == null ? -1 : number(indent).intValue(), 0);
                yield Json.hasContent(v) ? Str.content(json) : Str.markup(json);
            }
            default -> throw new JinjaException("unsupported filter '" + name + "'");
        };
    }

    private static Object parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof Str;
            case "number" -> v instanceof Number && !(v instanceof Boolean);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof Collection || v instanceof Map || v instanceof Str;
            case "sequence" -> v instanceof List || v instanceof Str || v instanceof Map;
            case "callable" -> v instanceof JinjaTemplate.Function;
            case "equalto", "eq", "==", "sameas" -> equal(v, args.getFirst());
            case "ne", "!=" -> !equal(v, args.getFirst());
            case "odd" -> number(v).longValue() % 2 != 0;
            case "even" -> number(v).longValue() % 2 == 0;
            case "in" -> JinjaTemplate.contains(args.getFirst(), v);
            case "lower" -> v instanceof Str s && s.text().equals(s.text().toLowerCase(Locale.ROOT));
            case "upper" -> v instanceof Str s && s.text().equals(s.text().toUpperCase(Locale.ROOT));
            default -> throw new JinjaException("unsupported test '" + name + "'");
        };
    }

    /** Python str methods; null when {@code name} is not one. */
    static JinjaTemplate.Function stringMethod(Str s, String name) {
        return switch (name) {
            case "strip" ->
                (a, k) -> s.strip(
                        true,
                        true,
                        a.isEmpty() || a.getFirst() == null
                                ? null
                                : str(a.getFirst()).text());
            case "lstrip" ->
                (a, k) -> s.strip(
                        true,
                        false,
                        a.isEmpty() || a.getFirst() == null
                                ? null
                                : str(a.getFirst()).text());
            case "rstrip" ->
                (a, k) -> s.strip(
                        false,
                        true,
                        a.isEmpty() || a.getFirst() == null
                                ? null
                                : str(a.getFirst()).text());
            case "upper" -> (a, k) -> s.map(t -> t.toUpperCase(Locale.ROOT));
            case "lower" -> (a, k) -> s.map(t -> t.toLowerCase(Locale.ROOT));
            case "title" -> (a, k) -> apply("title", s, a, k);
            case "startswith" -> (a, k) -> s.text().startsWith(str(a.getFirst()).text());
            case "endswith" -> (a, k) -> s.text().endsWith(str(a.getFirst()).text());
            case "replace" -> (a, k) -> apply("replace", s, a, k);
            case "split" ->
                (a, k) -> {
                    List<Object> out = new ArrayList<>();
                    String t = s.text();
                    if (a.isEmpty() || a.getFirst() == null) {
                        for (String p : t.strip().split("\\s+")) {
                            if (!p.isEmpty()) {
                                out.add(Str.markup(p));
                            }
                        }
                    } else {
                        for (String p : t.split(
                                java.util.regex.Pattern.quote(str(a.getFirst()).text()), -1)) {
                            out.add(Str.markup(p));
                        }
                    }
                    return out;
                };
            default -> null;
        };
    }

    /** Python dict methods; null when {@code name} is not one. */
    static JinjaTemplate.Function mapMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (a, k) -> apply("items", m, a, k);
            case "keys" -> (a, k) -> iterate(m);
            case "values" -> (a, k) -> new ArrayList<Object>(m.values());
            case "get" ->
                (a, k) -> {
                    Object key = a.getFirst() instanceof Str s ? s.text() : a.getFirst();
                    return m.containsKey(key) ? m.get(key) : a.size() > 1 ? a.get(1) : null;
                };
            default -> null;
        };
    }

    /** Python's repr of lists and dicts (strings single-quoted). */
    static String repr(Object v) {
        return switch (v) {
            case Str s -> "'" + s.text().replace("\\", "\\\\").replace("'", "\\'") + "'";
            case String s -> "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
            case List<?> l -> {
                List<String> items = new ArrayList<>();
                for (Object o : l) {
                    items.add(repr(o));
                }
                yield "[" + String.join(", ", items) + "]";
            }
            case Map<?, ?> m -> {
                List<String> items = new ArrayList<>();
                m.forEach((k, x) -> items.add(repr(k) + ": " + repr(x)));
                yield "{" + String.join(", ", items) + "}";
            }
            default -> str(v).text();
        };
    }

    /** json.dumps(v, ensure_ascii=False, indent=indent) as transformers' tojson calls it. */
    static final class Json {
        private Json() {}

        static String dump(Object v, int indent, int depth) {
            return switch (v) {
                case null -> "null";
                case Undefined u -> "null";
                case Boolean b -> b.toString();
                case Long l -> l.toString();
                case Double d -> d.toString();
                case Str s -> quote(s.text());
                case String s -> quote(s);
                case List<?> l -> {
                    if (l.isEmpty()) {
                        yield "[]";
                    }
                    List<String> items = new ArrayList<>();
                    for (Object o : l) {
                        items.add(dump(o, indent, depth + 1));
                    }
                    yield wrap("[", "]", items, indent, depth);
                }
                case Map<?, ?> m -> {
                    if (m.isEmpty()) {
                        yield "{}";
                    }
                    List<String> items = new ArrayList<>();
                    m.forEach((k, x) -> items.add(quote(k instanceof Str s ? s.text() : String.valueOf(k)) + ": "
                            + dump(x, indent, depth + 1)));
                    yield wrap("{", "}", items, indent, depth);
                }
                default -> quote(String.valueOf(v));
            };
        }

        private static String wrap(String open, String close, List<String> items, int indent, int depth) {
            if (indent < 0) {
                return open + String.join(", ", items) + close;
            }
            String inner = "\n" + " ".repeat(indent * (depth + 1));
            return open + inner + String.join("," + inner, items) + "\n" + " ".repeat(indent * depth) + close;
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        static boolean hasContent(Object v) {
            return switch (v) {
                case Str s -> s.parts().stream().anyMatch(Str.Part::content);
                case Collection<?> c -> c.stream().anyMatch(Json::hasContent);
                case Map<?, ?> m -> m.values().stream().anyMatch(Json::hasContent);
                case null, default -> false;
            };
        }
    }
}
