package io.squall.model.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Standard output that reports write errors. {@code System.out} and {@code PrintWriter} swallow them, so a closed pipe
 * ({@code llama --stream | head -c 10}) or a full disk ({@code > /dev/full}) went unnoticed: here the first failed write
 * throws {@link OutputFailedException}, which stops the generation and exits non-zero with one line on stderr.
 */
final class StandardOutput {
    private StandardOutput() {}

    /** A write to the output failed: the work stops, nothing more can be shown there. */
    static final class OutputFailedException extends UncheckedIOException {
        OutputFailedException(IOException cause) {
            super("cannot write to standard output (" + cause.getMessage() + ")", cause);
        }
    }

    /** A writer over file descriptor 1 in the console's charset; not auto-flushing (callers flush where a user waits). */
    static PrintWriter writer() {
        OutputStream fd = new FileOutputStream(FileDescriptor.out);
        OutputStream checked = new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    fd.write(b);
                } catch (IOException e) {
                    throw new OutputFailedException(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    fd.write(b, off, len);
                } catch (IOException e) {
                    throw new OutputFailedException(e);
                }
            }
        };
        return new PrintWriter(new OutputStreamWriter(checked, System.out.charset()), false);
    }
}
