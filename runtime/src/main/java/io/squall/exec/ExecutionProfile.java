package io.squall.exec;

import io.squall.api.TaskProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one execution of a plan measured (mutable while it runs, and afterwards by on-demand copies through its result).
 * Read through {@code TornadoProfilerResult}. All times in nanoseconds.
 */
public final class ExecutionProfile {
    /** One task's share, filled in while the execution runs. */
    static final class TaskRecord {
        final String task;
        String device;
        boolean compiled;
        long jitNanos;
        long buildNanos;
        long kernelNanos;
        long[] global;
        long[] local;
        boolean fellBackToJvm;

        TaskRecord(String task) {
            this.task = task;
        }

        TaskProfile snapshot() {
            return new TaskProfile(task, device, compiled, jitNanos, buildNanos, kernelNanos,
                    global == null ? null : global.clone(), local == null ? null : local.clone(), fellBackToJvm);
        }
    }

    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final List<String> graphs = new ArrayList<>();
    long totalNanos;
    long copyInCount, copyInBytes, copyInNanos;
    long copyOutCount, copyOutBytes, copyOutNanos;
    long deviceMemoryBytes;

    synchronized TaskRecord task(String name) {
        return tasks.computeIfAbsent(name, TaskRecord::new);
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
