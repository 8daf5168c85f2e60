package io.squall.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one execution of a plan measured (mutable while it runs, and afterwards by on-demand copies through its result).
 * Read through {@code TornadoProfilerResult}. All times in nanoseconds.
 */
public final class ExecutionProfile {
    /**
     * One task's share of an execution (times in nanoseconds). {@code compiled}: compiled in this execution rather
     * than taken from the kernel cache (never for devices that run Java, such as the JVM); {@code global}/{@code local}:
     * the launch's work sizes (null where the backend chose them); {@code fellBackToJvm}: it ran on the JVM because its
     * device could not compile or run it ({@code -Dsquall.fallback=jvm}).
     */
    public static final class TaskProfile {
        public final String task;
        public final String device;
        public final boolean compiled;
        public final long jitNanos;
        public final long buildNanos;
        public final long kernelNanos;
        public final long[] global;
        public final long[] local;
        public final boolean fellBackToJvm;

        TaskProfile(TaskRecord r) {
            task = r.task;
            device = r.device;
            compiled = r.compiled;
            jitNanos = r.jitNanos;
            buildNanos = r.buildNanos;
            kernelNanos = r.kernelNanos;
            global = r.global == null ? null : r.global.clone();
            local = r.local == null ? null : r.local.clone();
            fellBackToJvm = r.fellBackToJvm;
        }

        public long compileNanos() {
            return jitNanos + buildNanos;
        }
    }

    /** One task's share, filled in by the executor while the execution runs. */
    public static final class TaskRecord {
        public final String task;
        public String device;
        public boolean compiled;
        public long jitNanos;
        public long buildNanos;
        public long kernelNanos;
        public long[] global;
        public long[] local;
        public boolean fellBackToJvm;

        TaskRecord(String task) {
            this.task = task;
        }

        TaskProfile snapshot() {
            return new TaskProfile(this);
        }
    }

    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final List<String> graphs = new ArrayList<>();
    /** Set by the executor when the execution ends. */
    public long totalNanos;

    long copyInCount, copyInBytes, copyInNanos;
    long copyOutCount, copyOutBytes, copyOutNanos;
    public long deviceMemoryBytes;

    public synchronized TaskRecord task(String name) {
        return tasks.computeIfAbsent(name, TaskRecord::new);
    }

    public synchronized void graph(String name) {
        graphs.add(name);
    }

    public synchronized void copyIn(long bytes) {
        copyInCount++;
        copyInBytes += bytes;
    }

    public synchronized void copyOut(long bytes) {
        copyOutCount++;
        copyOutBytes += bytes;
    }

    public synchronized void transferTimes(long writeNanos, long readNanos) {
        copyInNanos += writeNanos;
        copyOutNanos += readNanos;
    }

    public synchronized List<TaskProfile> tasks() {
        return tasks.values().stream().map(TaskRecord::snapshot).toList();
    }

    public synchronized List<String> graphs() {
        return List.copyOf(graphs);
    }

    public synchronized long totalNanos() {
        return totalNanos;
    }

    public synchronized long copyInCount() {
        return copyInCount;
    }

    public synchronized long copyInBytes() {
        return copyInBytes;
    }

    public synchronized long copyInNanos() {
        return copyInNanos;
    }

    public synchronized long copyOutCount() {
        return copyOutCount;
    }

    public synchronized long copyOutBytes() {
        return copyOutBytes;
    }

    public synchronized long copyOutNanos() {
        return copyOutNanos;
    }

    public synchronized long deviceMemoryBytes() {
        return deviceMemoryBytes;
    }
}
