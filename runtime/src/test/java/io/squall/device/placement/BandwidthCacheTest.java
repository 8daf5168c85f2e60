package io.squall.device.placement;

import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bandwidth probe runs through the runtime and its figure is cached per device. */
class BandwidthCacheTest {
    @Test
    void measuresOnceAndCaches(@TempDir Path dir) throws IOException {
        ComputeDevice device = Devices.backend("opencl").devices().isEmpty() ? Devices.jvm() : Devices.get("opencl:0");
        BandwidthCache cache = new BandwidthCache(dir.resolve("sub/bandwidth.json"));
        assertEquals(0, cache.cached(device));
        double measured = cache.get(device);
        assertTrue(measured > 1e8 && measured < 1e13, "a plausible bandwidth in bytes/s: " + measured);
        String file = Files.readString(cache.file());
        assertTrue(file.contains(BandwidthCache.key(device)) && file.contains("bytesPerSecond"), file);
        // a second cache over the same file answers from it
        assertEquals(measured, new BandwidthCache(cache.file()).get(device));
    }

    @Test
    void unreadableCacheIsIgnored(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bandwidth.json");
        Files.writeString(f, "{ not json");
        assertEquals(0, new BandwidthCache(f).cached(Devices.jvm()));
    }

    @Test
    void runtimeCatalogListsDiscoveredDevices() {
        var all = DeviceCatalog.runtime().devices();
        assertEquals(Devices.all().size(), all.size());
        assertTrue(all.stream().anyMatch(d -> d.id().equals("jvm")));
        assumeTrue(!Devices.backend("opencl").devices().isEmpty(), "no OpenCL device");
        DeviceCandidate cl = DeviceCatalog.runtime().find("opencl:0");
        assertEquals(Devices.get("opencl:0").properties().globalMemory(), cl.freeMemory());
    }
}
