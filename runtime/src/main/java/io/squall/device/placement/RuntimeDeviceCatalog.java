package io.squall.device.placement;

import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceProperties;
import io.squall.device.Devices;

import java.util.ArrayList;
import java.util.List;

/** The runtime's devices ({@link Devices#all()}), with bandwidth from {@link BandwidthCache}, measured on first need. */
final class RuntimeDeviceCatalog implements DeviceCatalog {
    static final RuntimeDeviceCatalog INSTANCE = new RuntimeDeviceCatalog();

    private RuntimeDeviceCatalog() {}

    @Override
    public List<DeviceCandidate> devices() {
        List<DeviceCandidate> out = new ArrayList<>();
        BandwidthCache cache = BandwidthCache.standard();
        for (ComputeDevice d : Devices.all()) {
            DeviceProperties p = d.properties();
            // OpenCL has no portable free-memory query: the device's global memory is what a fresh context can use.
            out.add(new DeviceCandidate(
                    d.id(), p.name(), p.type(), p.globalMemory(), p.maxAllocation(), cache.cached(d)));
        }
        return out;
    }

    /** The backend's own reason when it found no device at all (what {@code tornado --devices} prints). */
    @Override
    public String whyAbsent(String id) {
        int colon = id.indexOf(':');
        Backend backend = Devices.backend(colon < 0 ? id : id.substring(0, colon));
        return backend != null && backend.devices().isEmpty() ? backend.unavailableReason() : null;
    }

    @Override
    public double bandwidth(DeviceCandidate device) {
        if (device.bandwidth() > 0) {
            return device.bandwidth();
        }
        return BandwidthCache.standard().get(Devices.get(device.id()));
    }
}
