package io.squall.api;

/**
 * One task's share of an execution (times in nanoseconds). {@code compiled}: the task was compiled in this
 * execution rather than taken from the kernel cache (never for devices that run Java, such as the JVM);
 * {@code global}/{@code local}: the launch's work sizes (null where the backend chose them);
 * {@code fellBackToJvm}: it ran on the JVM because its device could not compile or run it ({@code -Dsquall.fallback=jvm}).
 */
public record TaskProfile(String task, String device, boolean compiled, long jitNanos, long buildNanos, long kernelNanos,
                          long[] global, long[] local, boolean fellBackToJvm) {
    public long compileNanos() {
        return jitNanos + buildNanos;
    }
}
