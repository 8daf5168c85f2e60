package io.squall.model.chat.jinja;

import io.squall.model.chat.jinja.JinjaParser.Attr;
import io.squall.model.chat.jinja.JinjaParser.Binary;
import io.squall.model.chat.jinja.JinjaParser.Block;
import io.squall.model.chat.jinja.JinjaParser.Break;
import io.squall.model.chat.jinja.JinjaParser.Call;
import io.squall.model.chat.jinja.JinjaParser.Cond;
import io.squall.model.chat.jinja.JinjaParser.Continue;
import io.squall.model.chat.jinja.JinjaParser.DictExpr;
import io.squall.model.chat.jinja.JinjaParser.Expr;
import io.squall.model.chat.jinja.JinjaParser.Filter;
import io.squall.model.chat.jinja.JinjaParser.For;
import io.squall.model.chat.jinja.JinjaParser.If;
import io.squall.model.chat.jinja.JinjaParser.Item;
import io.squall.model.chat.jinja.JinjaParser.ListExpr;
import io.squall.model.chat.jinja.JinjaParser.Literal;
import io.squall.model.chat.jinja.JinjaParser.Name;
import io.squall.model.chat.jinja.JinjaParser.Node;
import io.squall.model.chat.jinja.JinjaParser.Output;
import io.squall.model.chat.jinja.JinjaParser.Set;
import io.squall.model.chat.jinja.JinjaParser.Slice;
import io.squall.model.chat.jinja.JinjaParser.Test;
import io.squall.model.chat.jinja.JinjaParser.Text;
import io.squall.model.chat.jinja.JinjaParser.Unary;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed chat template. {@link #render} evaluates it with the given variables (messages, add_generation_prompt,
 * bos_token, ... as Java maps, lists, strings, numbers and booleans) and returns the output as {@link Str}: its
 * parts say which text came from message content (strings passed in wrapped by {@link Str#content}).
 *
 * <p>Values behave as in Python/Jinja: integers are longs, strings are {@link Str}, none is null, missing names are
 * undefined; {@code +} concatenates strings and lists, {@code ==} compares texts, truthiness is Python's.
 */
public final class JinjaTemplate {
    private final List<Node> nodes;

    private JinjaTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Parses a template; errors name the construct and line. */
    public static JinjaTemplate parse(String source) {
        return new JinjaTemplate(JinjaParser.parse(source));
    }

    /** Renders with {@code variables} as globals (plus raise_exception, namespace, range, strftime_now). */
    public Str render(Map<String, Object> variables) {
        Renderer r = new Renderer(variables);
        r.block(nodes);
        return r.out;
    }

    /** A callable value (globals and string/dict methods). */
    @FunctionalInterface
    interface Function {
        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    /** A mutable object made by namespace(): attributes can be set from inside loops. */
    static final class Namespace extends LinkedHashMap<String, Object> {}

    private record Loop(int index0, int length) {}

    private static final class BreakSignal extends RuntimeException {
        BreakSignal() {
            super(null, null, false, false);
        }
    }

    private static final class ContinueSignal extends RuntimeException {
        ContinueSignal() {
            super(null, null, false, false);
        }
    }

    private static final class Renderer {
        private final Deque<Map<String, Object>> scopes = new ArrayDeque<>();
        private Str out = Str.markup("");

        Renderer(Map<String, Object> variables) {
            Map<String, Object> globals = new HashMap<>();
            globals.put("raise_exception", (Function) (a, k) -> {
                throw new JinjaException(
                        a.isEmpty() ? "raise_exception" : str(a.getFirst()).text());
            });
            globals.put("namespace", (Function) (a, k) -> {
                Namespace ns = new Namespace();
                ns.putAll(k);
                return ns;
            });
            globals.put("range", (Function) (a, k) -> {
                long start = a.size() > 1 ? number(a.get(0)).longValue() : 0;
                long stop = number(a.get(a.size() > 1 ? 1 : 0)).longValue();
                long step = a.size() > 2 ? number(a.get(2)).longValue() : 1;
                List<Object> r = new ArrayList<>();
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                    r.add(i);
                }
                return r;
            });
            globals.put("strftime_now", (Function)
                    (a, k) -> Str.markup(strftime(str(a.getFirst()).text(), LocalDateTime.now())));
            globals.putAll(variables);
            scopes.push(globals);
        }

        void block(List<Node> nodes) {
            for (Node n : nodes) {
                node(n);
            }
        }

        private void node(Node n) {
            switch (n) {
                case Text t -> out = out.concat(Str.markup(t.text()));
                case Output o -> out = out.concat(str(eval(o.expr())));
                case If i -> {
                    for (int b = 0; b < i.conditions().size(); b++) {
                        if (truthy(eval(i.conditions().get(b)))) {
                            block(i.branches().get(b));
                            return;
                        }
                    }
                    block(i.otherwise());
                }
                case For f -> loop(f);
                case Set s -> {
                    Object v = eval(s.value());
                    if (s.attribute() == null) {
                        scopes.peek().put(s.name(), v);
                    } else if (lookup(s.name()) instanceof Namespace ns) {
                        ns.put(s.attribute(), v);
                    } else {
                        throw new JinjaException(
                                "cannot set attribute '" + s.attribute() + "' of '" + s.name() + "': not a namespace");
                    }
                }
                case Block b -> block(b.body());
                case Break b -> throw new BreakSignal();
                case Continue c -> throw new ContinueSignal();
            }
        }

        private void loop(For f) {
            List<Object> items = new ArrayList<>();
            for (Object item : iterate(eval(f.iterable()))) {
                if (f.filter() != null) {
                    scopes.push(new HashMap<>());
                    bind(f.targets(), item);
                    boolean keep = truthy(eval(f.filter()));
                    scopes.pop();
                    if (!keep) {
                        continue;
                    }
                }
                items.add(item);
            }
            if (items.isEmpty()) {
                block(f.otherwise());
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                scopes.push(new HashMap<>()); // assignments inside a loop stay inside it, as in Jinja
                try {
                    bind(f.targets(), items.get(i));
                    Map<String, Object> loop = new HashMap<>();
                    loop.put("index0", (long) i);
                    loop.put("index", (long) i + 1);
                    loop.put("revindex", (long) (items.size() - i));
                    loop.put("revindex0", (long) (items.size() - i - 1));
                    loop.put("first", i == 0);
                    loop.put("last", i == items.size() - 1);
                    loop.put("length", (long) items.size());
                    loop.put("previtem", i > 0 ? items.get(i - 1) : Undefined.INSTANCE);
                    loop.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : Undefined.INSTANCE);
                    scopes.peek().put("loop", loop);
                    block(f.body());
                } catch (ContinueSignal c) {
                    // next item
                } catch (BreakSignal b) {
                    break;
                } finally {
                    scopes.pop();
                }
            }
        }

        private void bind(List<String> targets, Object item) {
            if (targets.size() == 1) {
                scopes.peek().put(targets.getFirst(), item);
                return;
            }
            List<Object> values = iterate(item);
            if (values.size() != targets.size()) {
                throw new JinjaException("cannot unpack " + values.size() + " values into " + targets);
            }
            for (int i = 0; i < targets.size(); i++) {
                scopes.peek().put(targets.get(i), values.get(i));
            }
        }

        private Object lookup(String name) {
            for (Map<String, Object> scope : scopes) {
                if (scope.containsKey(name)) {
                    return scope.get(name);
                }
            }
            return Undefined.INSTANCE;
        }

        private Object eval(Expr e) {
            return switch (e) {
                case Literal l -> l.value();
                case Name n -> lookup(n.name());
                case Attr a -> attribute(eval(a.target()), a.name());
                case Item i -> item(eval(i.target()), eval(i.index()));
                case Slice s ->
                    slice(
                            eval(s.target()),
                            s.start() == null ? null : eval(s.start()),
                            s.stop() == null ? null : eval(s.stop()),
                            s.step() == null ? null : eval(s.step()));
                case Call c -> {
                    Object f = eval(c.function());
                    if (!(f instanceof Function fn)) {
                        throw new JinjaException("'" + describe(c.function()) + "' is not callable");
                    }
                    List<Object> args = new ArrayList<>();
                    for (Expr a : c.args()) {
                        args.add(eval(a));
                    }
                    Map<String, Object> kwargs = new LinkedHashMap<>();
                    c.kwargs().forEach((k, v) -> kwargs.put(k, eval(v)));
                    yield fn.call(args, kwargs);
                }
                case Filter f -> {
                    List<Object> args = new ArrayList<>();
                    for (Expr a : f.args()) {
                        args.add(eval(a));
                    }
                    Map<String, Object> kwargs = new LinkedHashMap<>();
                    f.kwargs().forEach((k, v) -> kwargs.put(k, eval(v)));
                    yield Filters.apply(f.name(), eval(f.value()), args, kwargs);
                }
                case Test t -> {
                    List<Object> args = new ArrayList<>();
                    for (Expr a : t.args()) {
                        args.add(eval(a));
                    }
                    yield Filters.test(t.name(), eval(t.value()), args) != t.negated();
                }
                case Unary u ->
                    switch (u.op()) {
                        case "not" -> !truthy(eval(u.operand()));
                        case "-" -> {
                            Object v = eval(u.operand());
                            yield v instanceof Long l
                                    ? (Object) (-l)
                                    : (Object) (-number(v).doubleValue());
                        }
                        default -> throw new JinjaException("unknown operator " + u.op());
                    };
                case Binary b -> binary(b);
                case Cond c -> truthy(eval(c.condition())) ? eval(c.then()) : eval(c.otherwise());
                case ListExpr l -> {
                    List<Object> items = new ArrayList<>();
                    for (Expr x : l.items()) {
                        items.add(eval(x));
                    }
                    yield items;
                }
                case DictExpr d -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < d.keys().size(); i++) {
                        map.put(
                                str(eval(d.keys().get(i))).text(),
                                eval(d.values().get(i)));
                    }
                    yield map;
                }
            };
        }

        private static String describe(Expr e) {
            return e instanceof Name n
                    ? n.name()
                    : e instanceof Attr a
                            ? describe(a.target()) + "." + a.name()
                            : e.getClass().getSimpleName();
        }

        private Object binary(Binary b) {
            String op = b.op();
            if (op.equals("and")) {
                Object l = eval(b.left());
                return truthy(l) ? eval(b.right()) : l;
            }
            if (op.equals("or")) {
                Object l = eval(b.left());
                return truthy(l) ? l : eval(b.right());
            }
            Object l = eval(b.left());
            Object r = eval(b.right());
            return switch (op) {
                case "==" -> equal(l, r);
                case "!=" -> !equal(l, r);
                case "<" -> compare(l, r) < 0;
                case ">" -> compare(l, r) > 0;
                case "<=" -> compare(l, r) <= 0;
                case ">=" -> compare(l, r) >= 0;
                case "in" -> contains(r, l);
                case "~" -> str(l).concat(str(r));
                case "+" -> {
                    if (l instanceof Str a && r instanceof Str c) {
                        yield a.concat(c);
                    }
                    if (l instanceof List<?> a && r instanceof List<?> c) {
                        List<Object> all = new ArrayList<>(a);
                        all.addAll(c);
                        yield all;
                    }
                    yield arithmetic(op, l, r);
                }
                default -> arithmetic(op, l, r);
            };
        }

        private static Object arithmetic(String op, Object l, Object r) {
            if (!(l instanceof Number a) || !(r instanceof Number c) || l instanceof Boolean || r instanceof Boolean) {
                throw new JinjaException(
                        "unsupported operand types for " + op + ": " + typeName(l) + " and " + typeName(r));
            }
            boolean integers = a instanceof Long && c instanceof Long;
            return switch (op) {
                case "+" ->
                    integers ? (Object) (a.longValue() + c.longValue()) : (Object) (a.doubleValue() + c.doubleValue());
                case "-" ->
                    integers ? (Object) (a.longValue() - c.longValue()) : (Object) (a.doubleValue() - c.doubleValue());
                case "*" ->
                    integers ? (Object) (a.longValue() * c.longValue()) : (Object) (a.doubleValue() * c.doubleValue());
                case "/" -> a.doubleValue() / c.doubleValue();
                case "//" ->
                    integers
                            ? (Object) Math.floorDiv(a.longValue(), c.longValue())
                            : (Object) Math.floor(a.doubleValue() / c.doubleValue());
                case "%" ->
                    integers
                            ? (Object) Math.floorMod(a.longValue(), c.longValue())
                            : (Object)
                                    (a.doubleValue() - c.doubleValue() * Math.floor(a.doubleValue() / c.doubleValue()));
                default -> throw new JinjaException("unknown operator " + op);
            };
        }

        private Object attribute(Object target, String name) {
            if (target instanceof Map<?, ?> m) {
                if (m.containsKey(name)) {
                    return m.get(name);
                }
                Function method = Filters.mapMethod(m, name);
                return method != null ? method : Undefined.INSTANCE;
            }
            if (target instanceof Str s) {
                Function method = Filters.stringMethod(s, name);
                if (method != null) {
                    return method;
                }
            }
            return Undefined.INSTANCE;
        }

        private Object item(Object target, Object index) {
            if (target instanceof Map<?, ?> m) {
                Object key = index instanceof Str s ? s.text() : index;
                return m.containsKey(key) ? m.get(key) : Undefined.INSTANCE;
            }
            if (target instanceof List<?> l && index instanceof Long i) {
                long k = i < 0 ? l.size() + i : i;
                return k >= 0 && k < l.size() ? l.get((int) k) : Undefined.INSTANCE;
            }
            if (target instanceof Str s && index instanceof Long i) {
                String t = s.text();
                long k = i < 0 ? t.length() + i : i;
                return k >= 0 && k < t.length() ? slice(s, k, k + 1, null) : Undefined.INSTANCE;
            }
            if (target instanceof Str s && index instanceof Str n) {
                return attribute(s, n.text());
            }
            return Undefined.INSTANCE;
        }

        private static Object slice(Object target, Object start, Object stop, Object step) {
            long st = step == null ? 1 : number(step).longValue();
            if (st == 0) {
                throw new JinjaException("slice step cannot be zero");
            }
            List<Object> items;
            Str s = target instanceof Str x ? x : null;
            if (target instanceof List<?> l) {
                items = new ArrayList<>(l);
            } else if (s != null) {
                items = new ArrayList<>();
                for (int i = 0; i < s.text().length(); i++) {
                    items.add(i);
                }
            } else {
                return Undefined.INSTANCE;
            }
            int n = items.size();
            long from = start == null
                    ? (st > 0 ? 0 : n - 1)
                    : clampIndex(number(start).longValue(), n, st);
            long to = stop == null ? (st > 0 ? n : -1) : clampIndex(number(stop).longValue(), n, st);
            List<Object> picked = new ArrayList<>();
            for (long i = from; st > 0 ? i < to : i > to; i += st) {
                picked.add(items.get((int) i));
            }
            if (s == null) {
                return picked;
            }
            // keep each character's origin: slice part by part
            Str result = Str.markup("");
            for (Object o : picked) {
                int i = (Integer) o;
                int offset = 0;
                for (Str.Part p : s.parts()) {
                    if (i < offset + p.text().length()) {
                        String c = p.text().substring(i - offset, i - offset + 1);
                        result = result.concat(p.content() ? Str.content(c) : Str.markup(c));
                        break;
                    }
                    offset += p.text().length();
                }
            }
            return result;
        }

        private static long clampIndex(long i, int n, long step) {
            if (i < 0) {
                i += n;
            }
            return step > 0 ? Math.max(0, Math.min(n, i)) : Math.max(-1, Math.min(n - 1, i));
        }
    }

    // ---------------------------------------------------------------- value helpers shared with Filters

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case Str s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    static Str str(Object v) {
        return switch (v) {
            case null -> Str.markup("None");
            case Undefined u -> Str.markup("");
            case Str s -> s;
            case Boolean b -> Str.markup(b ? "True" : "False");
            case String s -> Str.markup(s);
            case Double d ->
                Str.markup(
                        d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16
                                ? String.valueOf(d)
                                : Double.toString(d));
            case List<?> l -> Str.markup(Filters.repr(l));
            case Map<?, ?> m -> Str.markup(Filters.repr(m));
            default -> Str.markup(String.valueOf(v));
        };
    }

    static Number number(Object v) {
        if (v instanceof Number n && !(v instanceof Boolean)) {
            return n;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        throw new JinjaException("expected a number, got " + typeName(v));
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "none";
            case Undefined u -> "undefined";
            case Str s -> "string";
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> v.getClass().getSimpleName();
        };
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a == b;
        }
        return java.util.Objects.equals(a, b);
    }

    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Str x && b instanceof Str y) {
            return x.compareTo(y);
        }
        throw new JinjaException("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    static boolean contains(Object container, Object item) {
        return switch (container) {
            case Str s -> s.text().contains(str(item).text());
            case Map<?, ?> m -> m.containsKey(item instanceof Str s ? s.text() : item);
            case Collection<?> c -> c.stream().anyMatch(x -> equal(x, item));
            case Undefined u -> false;
            default -> throw new JinjaException("'in' needs a string, list or dict, got " + typeName(container));
        };
    }

    static List<Object> iterate(Object v) {
        return switch (v) {
            case null -> throw new JinjaException("'NoneType' object is not iterable");
            case Undefined u -> List.of();
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m ->
                new ArrayList<>(m.keySet().stream()
                        .map(k -> k instanceof String s ? Str.markup(s) : k)
                        .toList());
            case Str s -> {
                List<Object> chars = new ArrayList<>();
                for (int i = 0; i < s.text().length(); i++) {
                    chars.add(Str.markup(s.text().substring(i, i + 1)));
                }
                yield chars;
            }
            default -> throw new JinjaException("'" + typeName(v) + "' object is not iterable");
        };
    }

    /** Python's strftime for the directives chat templates use (%d %b %B %Y %m %H %M %S %A %a %y %j). */
    static String strftime(String format, LocalDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                b.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'd' -> b.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> b.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> b.append(t.getYear());
                case 'y' -> b.append(String.format("%02d", t.getYear() % 100));
                case 'b' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'H' -> b.append(String.format("%02d", t.getHour()));
                case 'M' -> b.append(String.format("%02d", t.getMinute()));
                case 'S' -> b.append(String.format("%02d", t.getSecond()));
                case 'j' -> b.append(String.format("%03d", t.getDayOfYear()));
                case '%' -> b.append('%');
                default -> b.append('%').append(d);
            }
        }
        return b.toString();
    }
}
