package io.squall.jit.ir;

/** Where an instruction came from: the Java source file (null when the class has none) and line (-1 when unknown). */
public record SourceLocation(String file, int line) {
    @Override
    public String toString() {
        return (file == null ? "<unknown source>" : file) + (line >= 0 ? ":" + line : "");
    }
}
