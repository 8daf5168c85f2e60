package io.squall.model.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Template text to a tree of {@link Node}s, with Hugging Face transformers' environment: trim_blocks and
 * lstrip_blocks on, {@code -} whitespace control, comments dropped. Expressions follow Jinja's precedence (or, and,
 * not, comparisons and in, + and -, ~, * / // %, unary minus, then postfix . [] () and | filters / is tests).
 */
final class JinjaParser {

    sealed interface Node permits Text, Output, If, For, Set, Block, Break, Continue {}

    record Text(String text) implements Node {}

    record Output(Expr expr) implements Node {}

    record If(List<Expr> conditions, List<List<Node>> branches, List<Node> otherwise) implements Node {}

    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
            implements Node {}

    /** {@code set name = value} or {@code set ns.attr = value}. */
    record Set(String name, String attribute, Expr value) implements Node {}

    /** A block whose body is rendered as is ({@code generation}, transformers' assistant-mask marker). */
    record Block(List<Node> body) implements Node {}

    record Break() implements Node {}

    record Continue() implements Node {}

    sealed interface Expr
            permits Literal, Name, Attr, Item, Slice, Call, Filter, Test, Unary, Binary, Cond, ListExpr, DictExpr {}

    record Literal(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    record Attr(Expr target, String name) implements Expr {}

    record Item(Expr target, Expr index) implements Expr {}

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {}

    record Call(Expr function, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

    record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {}

    record Unary(String op, Expr operand) implements Expr {}

    record Binary(String op, Expr left, Expr right) implements Expr {}

    record Cond(Expr condition, Expr then, Expr otherwise) implements Expr {}

    record ListExpr(List<Expr> items) implements Expr {}

    record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {}

    // ---------------------------------------------------------------- template level

    private enum Kind {
        TEXT,
        VAR,
        BLOCK
    }

    private record Tag(Kind kind, String source, int line) {}

    private final String template;
    private List<Tag> tags;
    private int position;

    private JinjaParser(String template) {
        this.template = template;
    }

    static List<Node> parse(String template) {
        JinjaParser p = new JinjaParser(template);
        p.tags = p.scan();
        List<Node> nodes = p.nodes(java.util.Set.of());
        if (p.position < p.tags.size()) {
            Tag t = p.tags.get(p.position);
            throw new JinjaException("unexpected '{% " + t.source().strip() + " %}' at line " + t.line());
        }
        return nodes;
    }

    /** Splits the text into text, {{ }} and {% %} tags, applying whitespace control, trim_blocks and lstrip_blocks. */
    private List<Tag> scan() {
        List<Tag> out = new ArrayList<>();
        int i = 0;
        boolean stripNextLeading = false;
        boolean trimNextNewline = false;
        StringBuilder text = new StringBuilder();
        while (i < template.length()) {
            int open = nextOpen(i);
            String chunk = template.substring(i, open < 0 ? template.length() : open);
            if (trimNextNewline && chunk.startsWith("\n")) {
                chunk = chunk.substring(1);
            } else if (trimNextNewline && chunk.startsWith("\r\n")) {
                chunk = chunk.substring(2);
            }
            if (stripNextLeading) {
                chunk = chunk.stripLeading();
            }
            trimNextNewline = false;
            stripNextLeading = false;
            if (open < 0) {
                text.append(chunk);
                break;
            }
            char kind = template.charAt(open + 1);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            int end = template.indexOf(close, open + 2);
            int line = line(open);
            if (end < 0) {
                throw new JinjaException("unclosed '{" + kind + "' at line " + line);
            }
            boolean minusLeft = open + 2 < template.length() && template.charAt(open + 2) == '-';
            boolean plusLeft = open + 2 < template.length() && template.charAt(open + 2) == '+';
            boolean minusRight = end > open + 2 && template.charAt(end - 1) == '-';
            boolean plusRight = end > open + 2 && template.charAt(end - 1) == '+';
            if (minusLeft) {
                chunk = chunk.stripTrailing();
            } else if (kind != '{' && !plusLeft) {
                // lstrip_blocks: spaces and tabs between the start of the tag's source line and the tag go
                int lineStart = template.lastIndexOf('\n', open - 1) + 1;
                String before = template.substring(lineStart, open);
                if (lineStart >= i && before.chars().allMatch(c -> c == ' ' || c == '\t')) {
                    int keep = chunk.length();
                    while (keep > 0 && (chunk.charAt(keep - 1) == ' ' || chunk.charAt(keep - 1) == '\t')) {
                        keep--;
                    }
                    chunk = chunk.substring(0, keep);
                }
            }
            text.append(chunk);
            String inner = template.substring(
                    open + 2 + (minusLeft || plusLeft ? 1 : 0), end - (minusRight || plusRight ? 1 : 0));
            if (kind != '#') {
                if (!text.isEmpty()) {
                    out.add(new Tag(Kind.TEXT, text.toString(), line));
                    text.setLength(0);
                }
                out.add(new Tag(kind == '{' ? Kind.VAR : Kind.BLOCK, inner, line));
            }
            stripNextLeading = minusRight;
            trimNextNewline = kind != '{' && !plusRight; // trim_blocks
            i = end + 2;
        }
        if (!text.isEmpty()) {
            out.add(new Tag(Kind.TEXT, text.toString(), line(template.length())));
        }
        return out;
    }

    private int nextOpen(int from) {
        int i = template.indexOf('{', from);
        while (i >= 0 && i + 1 < template.length()) {
            char c = template.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = template.indexOf('{', i + 1);
        }
        return -1;
    }

    private int line(int offset) {
        int n = 1;
        for (int i = 0; i < offset && i < template.length(); i++) {
            if (template.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Nodes until a block tag whose first word is in {@code ends} (left unconsumed). */
    private List<Node> nodes(java.util.Set<String> ends) {
        List<Node> out = new ArrayList<>();
        while (position < tags.size()) {
            Tag t = tags.get(position);
            switch (t.kind()) {
                case TEXT -> {
                    out.add(new Text(t.source()));
                    position++;
                }
                case VAR -> {
                    out.add(new Output(new ExprParser(t.source(), t.line()).whole()));
                    position++;
                }
                case BLOCK -> {
                    ExprParser e = new ExprParser(t.source(), t.line());
                    String word = e.word();
                    if (ends.contains(word)) {
                        return out;
                    }
                    position++;
                    out.add(statement(word, e, t));
                }
            }
        }
        if (!ends.isEmpty()) {
            throw new JinjaException("missing {% " + String.join(" / ", ends) + " %} at the end of the template");
        }
        return out;
    }

    private Node statement(String word, ExprParser e, Tag t) {
        switch (word) {
            case "if" -> {
                List<Expr> conditions = new ArrayList<>();
                List<List<Node>> branches = new ArrayList<>();
                conditions.add(e.whole());
                List<Node> otherwise = List.of();
                java.util.Set<String> ends = java.util.Set.of("elif", "else", "endif");
                while (true) {
                    branches.add(nodes(ends));
                    Tag end = tags.get(position++);
                    ExprParser ee = new ExprParser(end.source(), end.line());
                    String w = ee.word();
                    if (w.equals("elif")) {
                        conditions.add(ee.whole());
                    } else if (w.equals("else")) {
                        ee.end();
                        otherwise = nodes(java.util.Set.of("endif"));
                        position++;
                        break;
                    } else {
                        break;
                    }
                }
                return new If(conditions, branches, otherwise);
            }
            case "for" -> {
                List<String> targets = new ArrayList<>();
                targets.add(e.name());
                while (e.accept(",")) {
                    targets.add(e.name());
                }
                e.expectWord("in");
                Expr iterable = e.noCondition();
                Expr filter = e.acceptWord("if") ? e.noCondition() : null;
                e.end();
                List<Node> body = nodes(java.util.Set.of("else", "endfor"));
                List<Node> otherwise = List.of();
                Tag end = tags.get(position++);
                if (new ExprParser(end.source(), end.line()).word().equals("else")) {
                    otherwise = nodes(java.util.Set.of("endfor"));
                    position++;
                }
                return new For(targets, iterable, filter, body, otherwise);
            }
            case "set" -> {
                String name = e.name();
                String attribute = e.accept(".") ? e.name() : null;
                e.expect("=");
                return new Set(name, attribute, e.whole());
            }
            case "generation" -> {
                e.end();
                List<Node> body = nodes(java.util.Set.of("endgeneration"));
                position++;
                return new Block(body);
            }
            case "break" -> {
                return new Break();
            }
            case "continue" -> {
                return new Continue();
            }
            default ->
                throw new JinjaException(
                        "unsupported statement '{% " + t.source().strip() + " %}' at line " + t.line()
                                + " (supported: if, for, set, generation, break, continue)");
        }
    }

    // ---------------------------------------------------------------- expressions

    /** Tokens and recursive descent for one tag's expression. */
    static final class ExprParser {
        private final List<String> tokens = new ArrayList<>();
        private final List<Object> literals = new ArrayList<>(); // non-null for string and number tokens
        private final String source;
        private final int line;
        private int at;

        ExprParser(String source, int line) {
            this.source = source;
            this.line = line;
            lex();
        }

        private JinjaException error(String what) {
            return new JinjaException(what + " in '" + source.strip() + "' at line " + line);
        }

        private void lex() {
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '\'' || c == '"') {
                    StringBuilder b = new StringBuilder();
                    int j = i + 1;
                    while (j < source.length() && source.charAt(j) != c) {
                        char d = source.charAt(j);
                        if (d == '\\' && j + 1 < source.length()) {
                            char n = source.charAt(++j);
                            switch (n) {
                                case 'n' -> b.append('\n');
                                case 't' -> b.append('\t');
                                case 'r' -> b.append('\r');
                                case '\\', '\'', '"' -> b.append(n);
                                default -> b.append('\\').append(n);
                            }
                        } else {
                            b.append(d);
                        }
                        j++;
                    }
                    if (j >= source.length()) {
                        throw error("unterminated string");
                    }
                    tokens.add("'");
                    literals.add(b.toString());
                    i = j + 1;
                } else if (Character.isDigit(c)) {
                    int j = i;
                    while (j < source.length()
                            && (Character.isDigit(source.charAt(j))
                                    || source.charAt(j) == '.'
                                            && j + 1 < source.length()
                                            && Character.isDigit(source.charAt(j + 1)))) {
                        j++;
                    }
                    String n = source.substring(i, j);
                    tokens.add("0");
                    literals.add(n.contains(".") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n));
                    i = j;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i;
                    while (j < source.length()
                            && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
                        j++;
                    }
                    tokens.add(source.substring(i, j));
                    literals.add(null);
                    i = j;
                } else {
                    String two = i + 1 < source.length() ? source.substring(i, i + 2) : "";
                    String op = switch (two) {
                        case "==", "!=", "<=", ">=", "//", "**" -> two;
                        default -> String.valueOf(c);
                    };
                    if ("()[]{}.,:|=<>+-*/%~!".indexOf(op.charAt(0)) < 0) {
                        throw error("unexpected character '" + c + "'");
                    }
                    tokens.add(op);
                    literals.add(null);
                    i += op.length();
                }
            }
        }

        private String peek() {
            return at < tokens.size() ? tokens.get(at) : "";
        }

        private boolean isWordToken(int i) {
            return i < tokens.size()
                    && literals.get(i) == null
                    && !tokens.get(i).isEmpty()
                    && (Character.isLetter(tokens.get(i).charAt(0))
                            || tokens.get(i).charAt(0) == '_');
        }

        boolean accept(String op) {
            if (literals.size() > at && literals.get(at) == null && peek().equals(op)) {
                at++;
                return true;
            }
            return false;
        }

        boolean acceptWord(String w) {
            return isWordToken(at) && accept(w);
        }

        void expect(String op) {
            if (!accept(op)) {
                throw error("expected '" + op + "' but found '" + peek() + "'");
            }
        }

        void expectWord(String w) {
            if (!acceptWord(w)) {
                throw error("expected '" + w + "' but found '" + peek() + "'");
            }
        }

        String word() {
            if (!isWordToken(at)) {
                throw error("expected a statement name");
            }
            return tokens.get(at++);
        }

        String name() {
            return word();
        }

        void end() {
            if (at < tokens.size()) {
                throw error("unexpected '" + peek() + "'");
            }
        }

        Expr whole() {
            Expr e = expression(true);
            end();
            return e;
        }

        /** An expression without a trailing {@code if ... else} (for-loop iterables and filters). */
        Expr noCondition() {
            return or();
        }

        private Expr expression(boolean conditional) {
            Expr e = or();
            if (conditional && acceptWord("if")) {
                Expr condition = or();
                Expr otherwise = acceptWord("else") ? expression(true) : new Literal(Undefined.INSTANCE);
                return new Cond(condition, e, otherwise);
            }
            return e;
        }

        private Expr or() {
            Expr e = and();
            while (acceptWord("or")) {
                e = new Binary("or", e, and());
            }
            return e;
        }

        private Expr and() {
            Expr e = not();
            while (acceptWord("and")) {
                e = new Binary("and", e, not());
            }
            return e;
        }

        private Expr not() {
            if (acceptWord("not")) {
                return new Unary("not", not());
            }
            return compare();
        }

        private Expr compare() {
            Expr e = math1();
            while (true) {
                String op = peek();
                if (literals.size() > at
                        && literals.get(at) == null
                        && List.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
                    at++;
                    e = new Binary(op, e, math1());
                } else if (acceptWord("in")) {
                    e = new Binary("in", e, math1());
                } else if (isWordToken(at)
                        && peek().equals("not")
                        && at + 1 < tokens.size()
                        && tokens.get(at + 1).equals("in")) {
                    at += 2;
                    e = new Unary("not", new Binary("in", e, math1()));
                } else {
                    return e;
                }
            }
        }

        private Expr math1() {
            Expr e = concat();
            while (true) {
                if (accept("+")) {
                    e = new Binary("+", e, concat());
                } else if (accept("-")) {
                    e = new Binary("-", e, concat());
                } else {
                    return e;
                }
            }
        }

        private Expr concat() {
            Expr e = math2();
            while (accept("~")) {
                e = new Binary("~", e, math2());
            }
            return e;
        }

        private Expr math2() {
            Expr e = unary(true);
            while (true) {
                String op = peek();
                if (literals.size() > at
                        && literals.get(at) == null
                        && List.of("*", "/", "//", "%").contains(op)) {
                    at++;
                    e = new Binary(op, e, unary(true));
                } else {
                    return e;
                }
            }
        }

        private Expr unary(boolean withFilters) {
            Expr e;
            if (accept("-")) {
                e = new Unary("-", unary(false));
            } else if (accept("+")) {
                e = unary(false);
            } else {
                e = postfix(primary());
            }
            return withFilters ? filters(e) : e;
        }

        private Expr filters(Expr e) {
            while (true) {
                if (accept("|")) {
                    String name = name();
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    if (accept("(")) {
                        arguments(args, kwargs);
                    }
                    e = postfix(new Filter(e, name, args, kwargs));
                } else if (acceptWord("is")) {
                    boolean negated = acceptWord("not");
                    String name = name();
                    List<Expr> args = new ArrayList<>();
                    if (accept("(")) {
                        arguments(args, new LinkedHashMap<>());
                    } else if (at < tokens.size()
                            && (literals.get(at) != null
                                    || isWordToken(at)
                                            && !List.of("and", "or", "else", "if", "is", "in", "not")
                                                    .contains(peek()))) {
                        args.add(primary()); // "is equalto 3" style argument without parentheses
                    }
                    e = new Test(e, name, args, negated);
                } else {
                    return e;
                }
            }
        }

        private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
            if (accept(")")) {
                return;
            }
            do {
                if (isWordToken(at)
                        && at + 1 < tokens.size()
                        && tokens.get(at + 1).equals("=")
                        && literals.get(at + 1) == null) {
                    String k = name();
                    at++;
                    kwargs.put(k, expression(true));
                } else {
                    args.add(expression(true));
                }
            } while (accept(","));
            expect(")");
        }

        private Expr postfix(Expr e) {
            while (true) {
                if (accept(".")) {
                    e = new Attr(e, name());
                } else if (accept("[")) {
                    Expr start = peek().equals(":") && literals.get(at) == null ? null : expression(true);
                    if (accept(":")) {
                        Expr stop = peek().equals("]") || peek().equals(":") ? null : expression(true);
                        Expr step = accept(":") && !peek().equals("]") ? expression(true) : null;
                        expect("]");
                        e = new Slice(e, start, stop, step);
                    } else {
                        expect("]");
                        e = new Item(e, start);
                    }
                } else if (accept("(")) {
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    arguments(args, kwargs);
                    e = new Call(e, args, kwargs);
                } else {
                    return e;
                }
            }
        }

        private Expr primary() {
            if (at >= tokens.size()) {
                throw error("unexpected end of expression");
            }
            Object literal = literals.get(at);
            String t = tokens.get(at);
            if (literal != null) {
                at++;
                return new Literal(literal instanceof String s ? Str.markup(s) : literal);
            }
            if (isWordToken(at)) {
                at++;
                return switch (t) {
                    case "true", "True" -> new Literal(Boolean.TRUE);
                    case "false", "False" -> new Literal(Boolean.FALSE);
                    case "none", "None" -> new Literal(null);
                    default -> new Name(t);
                };
            }
            if (accept("(")) {
                Expr e = expression(true);
                if (accept(",")) { // a tuple: kept as a list
                    List<Expr> items = new ArrayList<>(List.of(e));
                    if (!peek().equals(")")) {
                        do {
                            items.add(expression(true));
                        } while (accept(",") && !peek().equals(")"));
                    }
                    expect(")");
                    return new ListExpr(items);
                }
                expect(")");
                return e;
            }
            if (accept("[")) {
                List<Expr> items = new ArrayList<>();
                if (!accept("]")) {
                    do {
                        items.add(expression(true));
                    } while (accept(",") && !peek().equals("]"));
                    expect("]");
                }
                return new ListExpr(items);
            }
            if (accept("{")) {
                List<Expr> keys = new ArrayList<>();
                List<Expr> values = new ArrayList<>();
                if (!accept("}")) {
                    do {
                        keys.add(expression(true));
                        expect(":");
                        values.add(expression(true));
                    } while (accept(",") && !peek().equals("}"));
                    expect("}");
                }
                return new DictExpr(keys, values);
            }
            throw error("unexpected '" + t + "'");
        }
    }
}
