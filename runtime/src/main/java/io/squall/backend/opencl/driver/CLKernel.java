package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A kernel with its arguments. Arguments are copied by clSetKernelArg, so they may change between launches.
 * Java's int/long/float/double/short/byte match cl_int/cl_long/float/double/cl_short/cl_char.
 * Not thread-safe: one thread sets arguments and launches.
 */
public final class CLKernel implements AutoCloseable {
    private final CLProgram program;
    final MemorySegment handle;
    private final String name;
    private final Arena argArena = Arena.ofShared();
    private final MemorySegment scratch = argArena.allocate(8, 8);
    private boolean closed;

    CLKernel(CLProgram program, MemorySegment handle, String name) {
        this.program = program;
        this.handle = handle;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void setArg(int index, CLBuffer buffer) {
        buffer.checkOpen();
        scratch.set(ADDRESS, 0, buffer.handle);
        set(index, ADDRESS, "buffer");
    }

    public void setArg(int index, int value) {
        scratch.set(JAVA_INT, 0, value);
        set(index, JAVA_INT, "int");
    }

    public void setArg(int index, long value) {
        scratch.set(JAVA_LONG, 0, value);
        set(index, JAVA_LONG, "long");
    }

    public void setArg(int index, float value) {
        scratch.set(JAVA_FLOAT, 0, value);
        set(index, JAVA_FLOAT, "float");
    }

    public void setArg(int index, double value) {
        scratch.set(JAVA_DOUBLE, 0, value);
        set(index, JAVA_DOUBLE, "double");
    }

    public void setArg(int index, short value) {
        scratch.set(JAVA_SHORT, 0, value);
        set(index, JAVA_SHORT, "short");
    }

    public void setArg(int index, byte value) {
        scratch.set(JAVA_BYTE, 0, value);
        set(index, JAVA_BYTE, "byte");
    }

    /** A {@code __local} pointer argument: {@code bytes} of work-group local memory allocated per launch. */
    public void setLocalArg(int index, long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("local memory size must be positive, got " + bytes);
        check(
                program.context().api.setKernelArg(handle, index, bytes, MemorySegment.NULL),
                index,
                "local " + bytes + " bytes");
    }

    private void set(int index, MemoryLayout layout, String what) {
        if (closed) throw new IllegalStateException("kernel '" + name + "' used after close");
        check(program.context().api.setKernelArg(handle, index, layout.byteSize(), scratch), index, what);
    }

    private void check(int code, int index, String what) {
        if (code != CL.CL_SUCCESS) {
            throw new CLException(
                    code, "clSetKernelArg", "kernel '" + name + "', argument " + index + " (" + what + ")");
        }
    }

    public CLProgram program() {
        return program;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        argArena.close();
        CL.check(program.context().api.releaseKernel(handle), "clReleaseKernel");
    }
}
