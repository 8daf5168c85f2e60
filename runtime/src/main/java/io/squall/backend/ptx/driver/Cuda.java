package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Entry point of the CUDA driver: {@code libcuda.so.1} (the driver API) bound with java.lang.foreign.
 * Loading never throws: without a driver or a device {@link #isAvailable()} is false and
 * {@link #unavailableReason()} says why. Devices are discovered once, after cuInit.
 */
public final class Cuda {
    private Cuda() {}

    static final String INSTALL_HINT =
            "CUDA needs an NVIDIA GPU with its driver installed (libcuda.so.1 comes with the "
                    + "driver, e.g. Debian's nvidia-driver / libcuda1, not with the CUDA toolkit); other backends are unaffected";

    record Probe(CU.Api api, int driverVersion, List<CudaDevice> devices, String reason) {
        boolean available() {
            return reason == null;
        }
    }

    private static final class Default {
        static final Probe PROBE = probe(CU.DEFAULT_LIBRARIES);
    }

    /** True when the driver library loaded, cuInit succeeded and at least one device exists. */
    public static boolean isAvailable() {
        return Default.PROBE.available();
    }

    /** Why CUDA is unavailable; null when available. */
    public static String unavailableReason() {
        return Default.PROBE.reason();
    }

    /** The CUDA devices in ordinal order (the order behind {@code ptx:N}); empty when unavailable. */
    public static List<CudaDevice> devices() {
        return Default.PROBE.devices();
    }

    /** The driver's CUDA version as major*1000 + minor*10 (e.g. 13000), 0 when unavailable. */
    public static int driverVersion() {
        return Default.PROBE.driverVersion();
    }

    static CU.Api api() {
        Probe probe = Default.PROBE;
        if (!probe.available()) throw new IllegalStateException("CUDA is unavailable: " + probe.reason());
        return probe.api();
    }

    /** Loads the first of {@code libraryNames} that exists, initialises it and lists its devices; never throws. */
    static Probe probe(List<String> libraryNames) {
        CU.Loaded loaded;
        try {
            loaded = CU.load(libraryNames);
        } catch (RuntimeException | LinkageError e) {
            return new Probe(null, 0, List.of(), "CUDA driver library could not be bound (" + e + "); " + INSTALL_HINT);
        }
        if (loaded.api() == null) return new Probe(null, 0, List.of(), loaded.failure() + "; " + INSTALL_HINT);
        CU.Api api = loaded.api();
        try (Arena arena = Arena.ofConfined()) {
            int init = api.init(0);
            if (init == CU.CUDA_ERROR_STUB_LIBRARY) {
                return new Probe(
                        api,
                        0,
                        List.of(),
                        loaded.library() + " is the CUDA toolkit's stub library, not a driver; " + INSTALL_HINT);
            }
            if (init != CU.CUDA_SUCCESS) {
                return new Probe(
                        api,
                        0,
                        List.of(),
                        "cuInit failed: " + api.errorName(init) + " (" + api.errorString(init) + "); " + INSTALL_HINT);
            }
            MemorySegment value = arena.allocate(JAVA_INT);
            api.check(api.driverGetVersion(value), "cuDriverGetVersion");
            int version = value.get(JAVA_INT, 0);
            api.check(api.deviceGetCount(value), "cuDeviceGetCount");
            int count = value.get(JAVA_INT, 0);
            if (count == 0)
                return new Probe(api, version, List.of(), "the CUDA driver reports no device; " + INSTALL_HINT);
            List<CudaDevice> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                api.check(api.deviceGet(value, i), "cuDeviceGet(" + i + ")");
                devices.add(new CudaDevice(api, i, value.get(JAVA_INT, 0)));
            }
            return new Probe(api, version, List.copyOf(devices), null);
        } catch (RuntimeException e) {
            return new Probe(
                    api, 0, List.of(), "CUDA device discovery failed: " + e.getMessage() + "; " + INSTALL_HINT);
        }
    }
}
