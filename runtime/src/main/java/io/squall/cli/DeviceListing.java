package io.squall.cli;

import io.squall.driver.jvm.JvmKernelRunner;
import io.squall.driver.opencl.CLDevice;
import io.squall.driver.opencl.CLPlatform;
import io.squall.driver.opencl.OpenCL;
import io.squall.exec.RuntimeOptions;

import java.io.PrintStream;
import java.util.List;
import java.util.TreeSet;

/** The text of {@code tornado --devices}: every backend with its devices, their ids and properties. */
final class DeviceListing {
    private DeviceListing() {
    }

    static void print(PrintStream out, boolean verbose) {
        List<CLPlatform> platforms = OpenCL.isAvailable() ? OpenCL.platforms() : List.of();
        int backends = 1 + (platforms.isEmpty() ? 0 : 1);
        out.println("Number of Squall backends: " + backends);
        out.println();
        if (OpenCL.isAvailable()) {
            int devices = platforms.stream().mapToInt(p -> p.devices().size()).sum();
            out.println("Backend: OpenCL (" + platforms.size() + " platform(s), " + devices + " device(s))");
            int id = 0;
            for (CLPlatform platform : platforms) {
                out.println("  Platform: " + platform.name() + " (" + platform.vendor() + ", " + platform.version() + ")");
                for (CLDevice device : platform.devices()) {
                    printOpenCL(out, "opencl:" + id++, device, verbose);
                }
            }
        } else {
            out.println("Backend: OpenCL (unavailable)");
            out.println("  " + OpenCL.unavailableReason());
        }
        out.println();
        printJvm(out);
        out.println();
        out.println("Select a device with --device ID (or -D" + RuntimeOptions.DEVICE + "=ID, per task -D<graph>.<task>.device=ID).");
    }

    private static void printOpenCL(PrintStream out, String id, CLDevice d, boolean verbose) {
        out.println("    " + id + "  " + d.name());
        row(out, "Type", d.type() + " (" + d.vendor() + ", " + d.version() + ", driver " + d.driverVersion() + ")");
        row(out, "Global memory", bytes(d.globalMemSize()) + " (max allocation " + bytes(d.maxMemAllocSize()) + ")");
        row(out, "Local memory", bytes(d.localMemSize()));
        row(out, "Compute units", d.maxComputeUnits() + (d.maxClockMhz() > 0 ? " at " + d.maxClockMhz() + " MHz" : ""));
        long[] items = d.maxWorkItemSizes();
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            sizes.append(i > 0 ? "x" : "").append(items[i]);
        }
        row(out, "Max work-group size", d.maxWorkGroupSize() + " (work-item sizes " + sizes + ")");
        row(out, "OpenCL C", d.openclCVersion() + (d.ilVersion().isEmpty() ? "" : ", IL " + d.ilVersion())
                + ", fp64 " + yesNo(d.hasFp64()) + ", fp16 " + yesNo(d.hasFp16()));
        TreeSet<String> extensions = new TreeSet<>(d.extensions());
        if (verbose) {
            row(out, "Extensions", String.join(" ", extensions));
        } else {
            row(out, "Extensions", extensions.size() + " (" + String.join(" ", extensions.stream().limit(6).toList())
                    + (extensions.size() > 6 ? " ...; --verbose lists all" : "") + ")");
        }
    }

    private static void printJvm(PrintStream out) {
        Runtime rt = Runtime.getRuntime();
        out.println("Backend: JVM (always available; the reference and the fallback)");
        out.println("    jvm  " + System.getProperty("java.vm.name") + " " + Runtime.version());
        row(out, "Type", "CPU (runs the kernels' Java bytecode: @Parallel loops over threads, work-groups with barriers)");
        row(out, "Global memory", bytes(rt.maxMemory()) + " (Java heap; off-heap arrays are not limited by it)");
        row(out, "Local memory", "Java heap (per work-group arrays)");
        row(out, "Compute units", rt.availableProcessors() + " (threads: -D" + RuntimeOptions.THREADS + ", default "
                + rt.availableProcessors() + ")");
        row(out, "Max work-group size", Long.toString(JvmKernelRunner.MAX_WORK_GROUP_SIZE));
        row(out, "Extensions", "none (fp64 and fp16 storage are native Java)");
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("        %-20s %s%n", name + ":", value);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format("%.1f GB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format("%.1f MB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10) {
            return String.format("%.1f KB", n / (double) (1L << 10));
        }
        return n + " B";
    }
}
