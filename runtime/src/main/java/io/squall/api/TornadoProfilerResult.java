package io.squall.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.plan.ExecutionProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profile of one plan execution. Times are in nanoseconds, sizes in bytes. Transfers are counted as they are
 * issued: one per object moved between host and a device (a copy between two devices counts once out and once in).
 * Copies made later through {@link TornadoExecutionResult#transferToHost} are added to this profile.
 *
 * <h2>JSON format</h2>
 * {@link #toJson()} (and {@code -Dsquall.profiler=json:<file>}, which appends one object per execution and line) gives:
 * <pre>{@code
 * {"graphs": ["s0"],                          // graphs run, in order
 *  "totalTimeNs": 1234567,                    // wall time of execute()
 *  "compile": {"count": 1,                    // tasks compiled in this execution (0 when all came from the kernel cache)
 *              "timeNs": 900000,              // JIT + device build
 *              "jitTimeNs": 700000, "buildTimeNs": 200000},
 *  "kernelTimeNs": 5000,                      // sum of the tasks' kernel times (device events; wall time on the JVM)
 *  "transfers": {"hostToDevice": {"count": 2, "bytes": 8192, "timeNs": 3000},
 *                "deviceToHost": {"count": 1, "bytes": 4096, "timeNs": 1500}},
 *  "deviceMemoryBytes": 12288,                // device memory the plan holds after the execution
 *  "tasks": [{"task": "s0.t0", "device": "opencl:0", "compiled": true, "compileTimeNs": 900000,
 *             "jitTimeNs": 700000, "buildTimeNs": 200000, "kernelTimeNs": 5000,
 *             "global": [1024], "local": null, "fallbackToJvm": false}]}
 * }</pre>
 */
public final class TornadoProfilerResult {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutionProfile profile;

    public TornadoProfilerResult(ExecutionProfile profile) {
        this.profile = profile;
    }

    /** Wall time of the execution. */
    public long getTotalTime() {
        return profile.totalNanos();
    }

    /** JIT plus device build time of the tasks compiled in this execution. */
    public long getCompileTime() {
        return getTornadoCompilerTime() + getDriverInstallTime();
    }

    /** Bytecode-to-kernel (JIT) time. */
    public long getTornadoCompilerTime() {
        return profile.tasks().stream().mapToLong(t -> t.jitNanos).sum();
    }

    /** Device build time (e.g. clBuildProgram). */
    public long getDriverInstallTime() {
        return profile.tasks().stream().mapToLong(t -> t.buildNanos).sum();
    }

    /** Number of tasks compiled in this execution (not taken from the kernel cache). */
    public int getCompileCount() {
        return (int) profile.tasks().stream().filter(t -> t.compiled).count();
    }

    public long getDeviceKernelTime() {
        return profile.tasks().stream().mapToLong(t -> t.kernelNanos).sum();
    }

    /** Kernel time of task {@code "graph.task"}; -1 when it did not run. */
    public long getTaskKernelTime(String graphDotTask) {
        return profile.tasks().stream()
                .filter(t -> t.task.equals(graphDotTask))
                .mapToLong(t -> t.kernelNanos)
                .findFirst()
                .orElse(-1);
    }

    public long getDataTransfersTime() {
        return getDeviceWriteTime() + getDeviceReadTime();
    }

    /** Host-to-device copy time. */
    public long getDeviceWriteTime() {
        return profile.copyInNanos();
    }

    /** Device-to-host copy time. */
    public long getDeviceReadTime() {
        return profile.copyOutNanos();
    }

    public long getTotalBytesCopyIn() {
        return profile.copyInBytes();
    }

    public long getTotalBytesCopyOut() {
        return profile.copyOutBytes();
    }

    public long getTotalBytesTransferred() {
        return getTotalBytesCopyIn() + getTotalBytesCopyOut();
    }

    /** Number of host-to-device copies. */
    public long getCopyInCount() {
        return profile.copyInCount();
    }

    /** Number of device-to-host copies. */
    public long getCopyOutCount() {
        return profile.copyOutCount();
    }

    public long getTotalDeviceMemoryUsage() {
        return profile.deviceMemoryBytes();
    }

    /** Per task: device, compile and kernel time. */
    public List<ExecutionProfile.TaskProfile> getTaskProfiles() {
        return profile.tasks();
    }

    /** Prints the profile to stdout. */
    public void dumpProfiles() {
        System.out.println(toString());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("graphs", profile.graphs());
        m.put("totalTimeNs", getTotalTime());
        Map<String, Object> compile = new LinkedHashMap<>();
        compile.put("count", getCompileCount());
        compile.put("timeNs", getCompileTime());
        compile.put("jitTimeNs", getTornadoCompilerTime());
        compile.put("buildTimeNs", getDriverInstallTime());
        m.put("compile", compile);
        m.put("kernelTimeNs", getDeviceKernelTime());
        m.put(
                "transfers",
                Map.of(
                        "hostToDevice", transfer(getCopyInCount(), getTotalBytesCopyIn(), getDeviceWriteTime()),
                        "deviceToHost", transfer(getCopyOutCount(), getTotalBytesCopyOut(), getDeviceReadTime())));
        m.put("deviceMemoryBytes", getTotalDeviceMemoryUsage());
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (ExecutionProfile.TaskProfile t : profile.tasks()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("task", t.task);
            tm.put("device", t.device);
            tm.put("compiled", t.compiled);
            tm.put("compileTimeNs", t.compileNanos());
            tm.put("jitTimeNs", t.jitNanos);
            tm.put("buildTimeNs", t.buildNanos);
            tm.put("kernelTimeNs", t.kernelNanos);
            tm.put("global", t.global);
            tm.put("local", t.local);
            tm.put("fallbackToJvm", t.fellBackToJvm);
            tasks.add(tm);
        }
        m.put("tasks", tasks);
        return m;
    }

    private static Map<String, Object> transfer(long count, long bytes, long nanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("bytes", bytes);
        m.put("timeNs", nanos);
        return m;
    }

    /** The profile as one line of JSON (format in the class comment). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("profile to JSON", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "Profile of %s: total %.3f ms%n", String.join(", ", profile.graphs()), getTotalTime() / 1e6));
        for (ExecutionProfile.TaskProfile t : profile.tasks()) {
            sb.append(String.format(
                    "  %-28s %-10s compile %9.3f ms%s  kernel %9.3f ms%s%n",
                    t.task,
                    t.device,
                    t.compileNanos() / 1e6,
                    t.compiled || "jvm".equals(t.device) ? "" : " (cached)",
                    t.kernelNanos / 1e6,
                    t.fellBackToJvm ? "  [fallback to JVM]" : ""));
        }
        sb.append(String.format(
                "  host->device %d copies, %d bytes, %.3f ms; device->host %d copies, %d bytes, %.3f ms; device memory %d bytes",
                getCopyInCount(),
                getTotalBytesCopyIn(),
                getDeviceWriteTime() / 1e6,
                getCopyOutCount(),
                getTotalBytesCopyOut(),
                getDeviceReadTime() / 1e6,
                getTotalDeviceMemoryUsage()));
        return sb.toString();
    }
}
