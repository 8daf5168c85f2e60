package io.squall.jit;

/** A kernel uses something outside the compilable subset; the message names kernel, source line and construct. */
public final class KernelCompilationException extends RuntimeException {
    private final String kernel;
    private final String construct;
    private final String sourceFile;
    private final int sourceLine;

    public KernelCompilationException(
            String kernel, String construct, String sourceFile, int sourceLine, String detail) {
        super(kernel + " (" + (sourceFile == null ? "unknown source" : sourceFile)
                + (sourceLine > 0 ? ":" + sourceLine : "") + "): " + construct
                + (detail == null || detail.isEmpty() ? "" : " " + detail));
        this.kernel = kernel;
        this.construct = construct;
        this.sourceFile = sourceFile;
        this.sourceLine = sourceLine;
    }

    /** "Class.method" of the kernel being compiled (the task's method, also when the construct is in an inlined callee). */
    public String kernel() {
        return kernel;
    }

    /** The offending construct, e.g. "object allocation `new java.util.ArrayList`". */
    public String construct() {
        return construct;
    }

    public String sourceFile() {
        return sourceFile;
    }

    /** The line from the LineNumberTable, or -1 when the class has none. */
    public int sourceLine() {
        return sourceLine;
    }
}
