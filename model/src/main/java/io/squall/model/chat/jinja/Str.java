package io.squall.model.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * A template string that remembers which of its characters came from message content (and must never be read as
 * special-token markup) and which from the template. Concatenation keeps the parts; comparisons use the text.
 */
public record Str(List<Part> parts) implements Comparable<Str> {

    /** A run of characters and whether they are message content. */
    public record Part(String text, boolean content) {}

    public Str {
        parts = List.copyOf(parts);
    }

    public static Str markup(String s) {
        return new Str(s.isEmpty() ? List.of() : List.of(new Part(s, false)));
    }

    public static Str content(String s) {
        return new Str(s.isEmpty() ? List.of() : List.of(new Part(s, true)));
    }

    public String text() {
        if (parts.size() == 1) {
            return parts.getFirst().text();
        }
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            b.append(p.text());
        }
        return b.toString();
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    public Str concat(Str other) {
        List<Part> all = new ArrayList<>(parts);
        for (Part p : other.parts) {
            if (!all.isEmpty() && all.getLast().content() == p.content()) {
                all.set(all.size() - 1, new Part(all.getLast().text() + p.text(), p.content()));
            } else {
                all.add(p);
            }
        }
        return new Str(all);
    }

    /** Python's str.strip / lstrip / rstrip of whitespace (or of the given characters), across parts. */
    public Str strip(boolean left, boolean right, String chars) {
        List<Part> all = new ArrayList<>(parts);
        if (left) {
            while (!all.isEmpty()) {
                String t = all.getFirst().text();
                int i = 0;
                while (i < t.length() && stripped(t.charAt(i), chars)) {
                    i++;
                }
                if (i < t.length()) {
                    all.set(0, new Part(t.substring(i), all.getFirst().content()));
                    break;
                }
                all.removeFirst();
            }
        }
        if (right) {
            while (!all.isEmpty()) {
                String t = all.getLast().text();
                int i = t.length();
                while (i > 0 && stripped(t.charAt(i - 1), chars)) {
                    i--;
                }
                if (i > 0) {
                    all.set(
                            all.size() - 1,
                            new Part(t.substring(0, i), all.getLast().content()));
                    break;
                }
                all.removeLast();
            }
        }
        return new Str(all);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    /** Maps the text of every part (case changes and the like keep lengths and origins). */
    public Str map(java.util.function.UnaryOperator<String> f) {
        List<Part> out = new ArrayList<>();
        for (Part p : parts) {
            out.add(new Part(f.apply(p.text()), p.content()));
        }
        return new Str(out);
    }

    @Override
    public int compareTo(Str o) {
        return text().compareTo(o.text());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Str s && s.text().equals(text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
