package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Entry point of the OpenCL driver: the ICD loader ({@code libOpenCL.so.1}) bound with java.lang.foreign.
 * Loading never throws: when the loader or every platform is missing, {@link #isAvailable()} is false and
 * {@link #unavailableReason()} says what to install. Platforms and devices are discovered once.
 */
public final class OpenCL {
    private OpenCL() {}

    static final String INSTALL_HINT =
            "install the ICD loader and a driver, e.g. on Debian/Ubuntu `apt-get install ocl-icd-libopencl1 pocl-opencl-icd` "
                    + "(PoCL, a CPU device) or your GPU vendor's OpenCL driver";

    /** What probing one set of library names found. */
    record Probe(CL.Api api, List<CLPlatform> platforms, String reason) {
        boolean available() {
            return reason == null;
        }
    }

    private static final class Default {
        static final Probe PROBE = probe(CL.DEFAULT_LIBRARIES);
    }

    /** True when the loader was found and reports at least one platform. */
    public static boolean isAvailable() {
        return Default.PROBE.available();
    }

    /** Why OpenCL is unavailable and how to install it; null when available. */
    public static String unavailableReason() {
        return Default.PROBE.reason();
    }

    /** The platforms in discovery order, each with its devices; empty when OpenCL is unavailable. */
    public static List<CLPlatform> platforms() {
        return Default.PROBE.platforms();
    }

    /** Every device of every platform in discovery order (the order behind the {@code opencl:N} ids). */
    public static List<CLDevice> devices() {
        List<CLDevice> all = new ArrayList<>();
        for (CLPlatform platform : platforms()) all.addAll(platform.devices());
        return List.copyOf(all);
    }

    /** Loads the first of {@code libraryNames} that exists and enumerates its platforms; never throws. Package-private for tests. */
    static Probe probe(List<String> libraryNames) {
        CL.Loaded loaded;
        try {
            loaded = CL.load(libraryNames);
        } catch (RuntimeException | LinkageError e) {
            return new Probe(null, List.of(), "OpenCL loader could not be bound (" + e + "): " + INSTALL_HINT);
        }
        if (loaded.api().isEmpty()) {
            return new Probe(null, List.of(), loaded.failure() + ": " + INSTALL_HINT);
        }
        CL.Api api = loaded.api().get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = api.getPlatformIDs(0, MemorySegment.NULL, count);
            int n = code == CL.CL_SUCCESS ? count.get(JAVA_INT, 0) : 0;
            if (code != CL.CL_SUCCESS && code != CL.CL_PLATFORM_NOT_FOUND_KHR) {
                return new Probe(
                        api,
                        List.of(),
                        "clGetPlatformIDs failed with " + CL.errorName(code) + " (loader " + loaded.library() + "): "
                                + INSTALL_HINT);
            }
            if (n == 0) {
                return new Probe(
                        api,
                        List.of(),
                        "the OpenCL loader " + loaded.library()
                                + " found no platform (no driver registered in /etc/OpenCL/vendors): " + INSTALL_HINT);
            }
            MemorySegment ids = arena.allocate(ADDRESS, n);
            CL.check(api.getPlatformIDs(n, ids, MemorySegment.NULL), "clGetPlatformIDs");
            // A broken driver must not hide the working ones: skip a platform whose queries fail.
            List<CLPlatform> platforms = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                try {
                    platforms.add(new CLPlatform(api, ids.getAtIndex(ADDRESS, i)));
                } catch (CLException e) {
                    failures.add("platform " + i + ": " + e.getMessage());
                }
            }
            if (platforms.isEmpty()) {
                return new Probe(
                        api,
                        List.of(),
                        "no usable OpenCL platform (" + String.join("; ", failures) + "): " + INSTALL_HINT);
            }
            return new Probe(api, List.copyOf(platforms), null);
        } catch (RuntimeException e) {
            return new Probe(
                    api, List.of(), "OpenCL platform discovery failed: " + e.getMessage() + "; " + INSTALL_HINT);
        }
    }
}
