package io.squall.device;

import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceProperties;

import java.util.Set;

/** The API view ({@link TornadoDevice}) of a discovered device. */
public record SquallDevice(ComputeDevice device, int backendIndex, int deviceIndex, String backendName)
        implements TornadoDevice {

    /** The API view of {@code device}. */
    public static SquallDevice of(ComputeDevice device) {
        var backends = Devices.backends();
        for (int b = 0; b < backends.size(); b++) {
            int i = backends.get(b).devices().indexOf(device);
            if (i >= 0) {
                return new SquallDevice(device, b, i, backends.get(b).name());
            }
        }
        throw new IllegalArgumentException("device " + device.id() + " is not among the discovered devices");
    }

    @Override
    public String getId() {
        return device.id();
    }

    @Override
    public String getDeviceName() {
        return device.properties().name();
    }

    @Override
    public String getDescription() {
        DeviceProperties p = device.properties();
        return p.name() + " (" + p.vendor() + ", " + p.version() + ")";
    }

    @Override
    public String getPlatformName() {
        return device.properties().platform();
    }

    @Override
    public TornadoDeviceType getDeviceType() {
        return device.type();
    }

    @Override
    public long getMaxGlobalMemory() {
        return device.properties().globalMemory();
    }

    @Override
    public long getDeviceLocalMemorySize() {
        return device.properties().localMemory();
    }

    @Override
    public int getMaxComputeUnits() {
        return device.properties().computeUnits();
    }

    @Override
    public long getMaxWorkGroupSize() {
        return device.properties().maxWorkGroupSize();
    }

    @Override
    public long[] getDeviceMaxWorkItemSizes() {
        return device.properties().maxWorkItemSizes();
    }

    @Override
    public long getMaxAllocMemory() {
        return device.properties().maxAllocation();
    }

    @Override
    public Set<String> getExtensions() {
        return device.properties().extensions();
    }

    @Override
    public int getBackendIndex() {
        return backendIndex;
    }

    @Override
    public int getDeviceIndex() {
        return deviceIndex;
    }

    @Override
    public String getBackendName() {
        return backendName;
    }

    @Override
    public String toString() {
        return device.id() + " (" + getDeviceName() + ")";
    }
}
