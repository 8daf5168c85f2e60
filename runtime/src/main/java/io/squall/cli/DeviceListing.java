package io.squall.cli;

import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceProperties;
import io.squall.backend.jvm.driver.JvmKernelRunner;
import io.squall.device.Devices;
import io.squall.plan.RuntimeOptions;

import java.io.PrintStream;
import java.util.List;
import java.util.TreeSet;

/** The text of {@code tornado --devices}: every backend the runtime discovered, with its devices, their ids and properties. */
final class DeviceListing {
    private DeviceListing() {}

    static void print(PrintStream out, boolean verbose) {
        List<Backend> backends = Devices.backends();
        out.println("Number of Squall backends: " + backends.size());
        for (Backend backend : backends) {
            out.println();
            List<? extends ComputeDevice> devices = backend.devices();
            if (backend.name().equals("jvm")) {
                out.println("Backend: jvm (always available: the reference and the fallback)");
            } else if (devices.isEmpty()) {
                out.println("Backend: " + backend.name() + " (no devices)");
                if (backend.unavailableReason() != null) {
                    out.println("    " + backend.unavailableReason());
                }
            } else {
                out.println("Backend: " + backend.name() + " (" + devices.size() + " device(s))");
            }
            for (ComputeDevice device : devices) {
                print(out, device, verbose);
            }
        }
        out.println();
        out.println("Select a device with --device ID (or -D" + RuntimeOptions.DEVICE
                + "=ID; one task: -D<graph>.<task>.device=ID).");
    }

    private static void print(PrintStream out, ComputeDevice device, boolean verbose) {
        DeviceProperties d = device.properties();
        boolean jvm = device.id().equals("jvm");
        out.println("    " + device.id() + "  " + d.name());
        if (!d.platform().isEmpty() && !jvm) {
            row(out, "Platform", d.platform());
        }
        row(
                out,
                "Type",
                d.type() + " ("
                        + join(
                                d.vendor(),
                                d.version(),
                                d.driverVersion().isEmpty() || jvm ? "" : "driver " + d.driverVersion())
                        + ")");
        if (jvm) {
            Runtime rt = Runtime.getRuntime();
            row(out, "Global memory", bytes(rt.maxMemory()) + " (Java heap; off-heap arrays are not limited by it)");
            row(out, "Local memory", "Java heap (arrays shared per work-group)");
            row(
                    out,
                    "Compute units",
                    RuntimeOptions.jvmThreads() + " thread(s) (-D" + RuntimeOptions.THREADS + "; "
                            + rt.availableProcessors() + " processors)");
            row(
                    out,
                    "Max work-group size",
                    JvmKernelRunner.MAX_WORK_GROUP_SIZE
                            + " (@Parallel loops split over threads; work-groups with barriers as virtual threads)");
            row(out, "Extensions", "none needed: fp64 and fp16 storage are plain Java");
            return;
        }
        row(out, "Global memory", bytes(d.globalMemory()) + " (max allocation " + bytes(d.maxAllocation()) + ")");
        row(out, "Local memory", bytes(d.localMemory()));
        row(out, "Compute units", d.computeUnits() + (d.clockMhz() > 0 ? " at " + d.clockMhz() + " MHz" : ""));
        long[] items = d.maxWorkItemSizes();
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            sizes.append(i > 0 ? "x" : "").append(items[i]);
        }
        row(
                out,
                "Max work-group size",
                d.maxWorkGroupSize() + (items.length > 0 ? " (work-item sizes " + sizes + ")" : ""));
        if (!d.openclCVersion().isEmpty() || !d.ilVersion().isEmpty()) {
            row(out, "Languages", join(d.openclCVersion(), d.ilVersion().isEmpty() ? "" : "IL " + d.ilVersion()));
        }
        TreeSet<String> extensions = new TreeSet<>(d.extensions());
        if (verbose || extensions.size() <= 6) {
            row(out, "Extensions", extensions.isEmpty() ? "none" : String.join(" ", extensions));
        } else {
            row(
                    out,
                    "Extensions",
                    extensions.size() + ": "
                            + String.join(" ", extensions.stream().limit(6).toList())
                            + " ... (--devices --verbose lists all)");
        }
    }

    private static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : ", ").append(p);
            }
        }
        return sb.toString();
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("        %-20s %s%n", name + ":", value);
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
