package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The completion of one enqueued command, with its profiling times (queue created with profiling).
 * For a non-blocking transfer the event holds the host memory until the command completed, and for a
 * read into heap memory it finishes the copy in {@link #waitFor()} (or the queue's finish()).
 * close() releases the cl_event early; events never closed are released when unreachable.
 */
public final class CLEvent implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CL.Api api;
    private final MemorySegment handle;
    private final String command;
    private final Cleaner.Cleanable release;
    private Object hostMemory; // kept reachable until the command completed
    private Runnable afterCompletion; // copy from a staging buffer into heap memory, if any
    private boolean complete;
    private boolean closed;

    CLEvent(CL.Api api, MemorySegment handle, String command, Object hostMemory, Runnable afterCompletion) {
        this.api = api;
        this.handle = handle;
        this.command = command;
        this.hostMemory = hostMemory;
        this.afterCompletion = afterCompletion;
        this.release = CLEANER.register(this, () -> api.releaseEvent(handle));
    }

    /** Blocks until the command completed (and finishes a pending host copy). */
    public void waitFor() {
        checkOpen();
        if (complete) return;
        try (Arena arena = Arena.ofConfined()) {
            int code = api.waitForEvents(1, arena.allocateFrom(ADDRESS, handle));
            if (code != CL.CL_SUCCESS) throw new CLException(code, "clWaitForEvents", command);
        }
        markComplete();
    }

    /** Called once the queue knows the command is done (after clFinish). */
    synchronized void markComplete() {
        if (complete) return;
        complete = true;
        Runnable action = afterCompletion;
        afterCompletion = null;
        hostMemory = null;
        if (action != null) action.run();
    }

    synchronized boolean isComplete() {
        return complete;
    }

    /** Device timestamp (ns) when the command was enqueued. Waits for completion first. */
    public long queuedNs() {
        return profile(CL.CL_PROFILING_COMMAND_QUEUED);
    }

    /** Device timestamp (ns) when the command was submitted to the device. */
    public long submitNs() {
        return profile(CL.CL_PROFILING_COMMAND_SUBMIT);
    }

    /** Device timestamp (ns) when the command started executing. */
    public long startNs() {
        return profile(CL.CL_PROFILING_COMMAND_START);
    }

    /** Device timestamp (ns) when the command finished. */
    public long endNs() {
        return profile(CL.CL_PROFILING_COMMAND_END);
    }

    /** endNs() - startNs(): the command's execution time on the device. */
    public long durationNs() {
        return endNs() - startNs();
    }

    private long profile(int param) {
        waitFor();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            int code = api.getEventProfilingInfo(handle, param, JAVA_LONG.byteSize(), value, MemorySegment.NULL);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(
                        code,
                        "clGetEventProfilingInfo",
                        command + (code == -7 ? " (was the queue created with profiling enabled?)" : ""));
            }
            return value.get(JAVA_LONG, 0);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("event of " + command + " used after close");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        release.clean();
    }

    @Override
    public String toString() {
        return "CLEvent[" + command + (complete ? ", complete" : "") + "]";
    }
}
