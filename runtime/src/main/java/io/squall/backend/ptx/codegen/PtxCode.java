package io.squall.backend.ptx.codegen;

import java.util.LinkedHashMap;
import java.util.Map;

/** A PTX instruction stream with its own virtual registers (declared on demand) and unique labels. */
final class PtxCode {
    private final StringBuilder body = new StringBuilder();
    private final Map<String, String> registers = new LinkedHashMap<>();
    private final String prefix;
    private int nextRegister;
    private int nextLabel;

    PtxCode(String prefix) {
        this.prefix = prefix;
    }

    /** A fresh register of PTX type {@code type} (".f64", ".b32", ".pred", ...). */
    String reg(String type) {
        String name = "%" + prefix + nextRegister++;
        registers.put(name, type);
        return name;
    }

    void declare(String name, String type) {
        registers.put(name, type);
    }

    String newLabel(String hint) {
        return "$" + prefix + "_" + hint + nextLabel++;
    }

    void op(String text) {
        body.append('\t').append(text).append(";\n");
    }

    /** A line as is (scopes, directives). */
    void raw(String line) {
        body.append('\t').append(line).append('\n');
    }

    void label(String label) {
        body.append(label).append(":\n");
    }

    void comment(String text) {
        body.append("\t// ").append(text).append('\n');
    }

    String declarations() {
        StringBuilder sb = new StringBuilder();
        registers.forEach((name, type) ->
                sb.append("\t.reg ").append(type).append(' ').append(name).append(";\n"));
        return sb.toString();
    }

    String body() {
        return body.toString();
    }

    static String f64(double v) {
        return String.format("0d%016X", Double.doubleToRawLongBits(v));
    }

    static String f64Bits(long bits) {
        return String.format("0d%016X", bits);
    }

    static String f32(float v) {
        return String.format("0f%08X", Float.floatToRawIntBits(v));
    }
}
