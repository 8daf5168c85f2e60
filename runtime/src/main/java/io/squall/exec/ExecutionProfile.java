package io.squall.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one execution of a plan measured (mutable while it runs, and afterwards by on-demand copies through its result).
 * Read through {@code TornadoProfilerResult}. All times in nanoseconds.
 */
public final class ExecutionProfile {
    /** One task's share of an execution. */
    public static final class TaskProfile {
        public final String task;
        public String device;
        public boolean compiled;
        public long jitNanos;
        public long buildNanos;
        public long kernelNanos;
        public long[] global;
        public long[] local;
        public boolean fellBackToJvm;

        TaskProfile(String task) {
            this.task = task;
        }

        public long compileNanos() {
            return jitNanos + buildNanos;
        }
    }

    private final Map<String, TaskProfile> tasks = new LinkedHashMap<>();
    private final List<String> graphs = new ArrayList<>();
    long totalNanos;
    long copyInCount, copyInBytes, copyInNanos;
    long copyOutCount, copyOutBytes, copyOutNanos;
    long deviceMemoryBytes;

    synchronized TaskProfile task(String name) {
        return tasks.computeIfAbsent(name, TaskProfile::new);
    }

    synchronized void graph(String name) {
        graphs.add(name);
    }

    synchronized void copyIn(long bytes) {
        copyInCount++;
        copyInBytes += bytes;
    }

    synchronized void copyOut(long bytes) {
        copyOutCount++;
        copyOutBytes += bytes;
    }

    synchronized void transferTimes(long writeNanos, long readNanos) {
        copyInNanos += writeNanos;
        copyOutNanos += readNanos;
    }

    public synchronized List<TaskProfile> tasks() {
        return List.copyOf(tasks.values());
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
