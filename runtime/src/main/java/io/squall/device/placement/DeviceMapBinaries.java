package io.squall.device.placement;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.OpenCLDevice;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.device.Devices;
import io.squall.exec.KernelBinaryProvider;
import io.squall.exec.KernelCache;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The kernel binaries of a device map, registered with the exec layer's {@link KernelCache} so tasks on those devices load
 * them instead of compiling ({@link DeviceMap#installKernelBinaries()}, also done by {@link DeviceMap#place(ModelFootprint)}).
 * One map's binaries are in use at a time: the last placed or installed. {@link #close()} unregisters them.
 */
public final class DeviceMapBinaries implements KernelBinaryProvider, AutoCloseable {
    private final DeviceMap map;

    private DeviceMapBinaries(DeviceMap map) {
        this.map = map;
    }

    /** The binaries in use: those of the device map placed or installed last (one per process), or null. */
    private static DeviceMapBinaries active;

    /**
     * Checks every binary on its device, then makes this map's binaries the ones in use, replacing those of the map
     * activated before; a binary that does not match is a {@link DeviceMapException}.
     */
    static synchronized DeviceMapBinaries install(DeviceMap map) {
        verify(map);
        if (active != null) {
            active.close();
        }
        DeviceMapBinaries b = new DeviceMapBinaries(map);
        if (map.deviceEntries().stream().anyMatch(e -> e.binaries() != null || !e.jit())) {
            KernelCache.register(b);
            active = b;
        }
        return b;
    }

    /** Loads every binary of the map on its device; the first that does not match is a {@link DeviceMapException}. */
    static void verify(DeviceMap map) {
        for (DeviceMap.DeviceEntry e : map.deviceEntries()) {
            if (e.binaries() != null) {
                verify(map, e);
            }
        }
    }

    private static void verify(DeviceMap map, DeviceMap.DeviceEntry e) {
        KernelBinaries bins = e.binaries();
        ComputeDevice device;
        try {
            device = Devices.get(e.id());
        } catch (RuntimeException ex) {
            throw map.error(e.path() + ".id", "\"" + e.id() + "\": " + ex.getMessage());
        }
        if (!(device instanceof OpenCLDevice cl)) {
            throw map.error(
                    bins.jsonPath(),
                    "names binaries for " + e.id() + ", but only OpenCL devices load precompiled binaries");
        }
        String options = OpenCLEmitter.buildOptions(CompileOptions.defaults());
        List<Map.Entry<String, Path>> files = new ArrayList<>(bins.byEntryName().entrySet());
        if (bins.directory() != null) {
            try (Stream<Path> s = Files.list(bins.directory())) {
                s.filter(p -> p.getFileName().toString().endsWith(KernelBinaries.EXTENSION))
                        .sorted()
                        .forEach(p -> files.add(Map.entry("", p)));
            } catch (IOException ex) {
                throw map.error(bins.jsonPath(), "cannot list " + bins.directory() + ": " + ex.getMessage());
            }
            if (files.isEmpty()) {
                throw map.error(
                        bins.jsonPath(),
                        "directory " + bins.directory() + " holds no *" + KernelBinaries.EXTENSION + " files");
            }
        }
        for (Map.Entry<String, Path> f : files) {
            String path = f.getKey().isEmpty() ? bins.jsonPath() : bins.jsonPath() + "." + f.getKey();
            try {
                cl.loadBinary(
                        f.getKey().isEmpty() ? null : f.getKey(),
                        read(f.getValue(), e.id()),
                        f.getValue().toString(),
                        options);
            } catch (TornadoRuntimeException ex) {
                throw new DeviceMapException(map.source() + ": " + path + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** The binary's bytes, checked against its directory's checksum manifest before any driver sees them. */
    private static byte[] read(Path file, String deviceId) {
        return BinaryManifest.readVerified(file, deviceId);
    }

    @Override
    public Binary find(ComputeDevice device, String graphDotTask, Kernel kernel) {
        DeviceMap.DeviceEntry e = map.entry(device.id());
        if (e == null || e.binaries() == null) {
            return null;
        }
        Path file = e.binaries().find(graphDotTask, kernel.entryName());
        return file == null
                ? null
                : new Binary(read(file, device.id()), file.toString(), BinaryManifest.sourceSha256(file));
    }

    @Override
    public boolean jitAllowed(ComputeDevice device) {
        DeviceMap.DeviceEntry e = map.entry(device.id());
        return e == null || e.jit();
    }

    @Override
    public String describe(ComputeDevice device) {
        DeviceMap.DeviceEntry e = map.entry(device.id());
        return map.source() + ": " + (e == null ? "devices" : e.path());
    }

    /** Stops using these binaries (kernels compile from source again). */
    @Override
    public void close() {
        synchronized (DeviceMapBinaries.class) {
            KernelCache.unregister(this);
            if (active == this) {
                active = null;
            }
        }
    }
}
