package io.squall.api.enums;

/** How a plan's profiler reports: {@link #CONSOLE} prints after each execution, {@link #SILENT} only collects. */
public enum ProfilerMode {
    CONSOLE,
    SILENT
}
