package io.squall.device;

import io.squall.api.TornadoBackend;
import io.squall.api.common.TornadoDevice;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;

import java.util.List;
import java.util.stream.IntStream;

/** A {@link Backend} as the API shows it (TornadoVM's {@link TornadoBackend}): backend {@code index} in {@link Devices#backends()}. */
public record SquallBackend(Backend backend, int index) implements TornadoBackend {
    @Override
    public String getName() {
        return backend.name();
    }

    @Override
    public int getNumDevices() {
        return backend.devices().size();
    }

    @Override
    public TornadoDevice getDevice(int i) {
        List<? extends ComputeDevice> devices = backend.devices();
        if (i < 0 || i >= devices.size()) {
            String why = backend.unavailableReason() == null ? "" : " (" + backend.unavailableReason() + ")";
            throw new TornadoDeviceException("backend " + index + " (" + backend.name() + ") has no device " + i
                    + ": it has " + devices.size() + why);
        }
        return new SquallDevice(devices.get(i), index, i, backend.name());
    }

    @Override
    public List<TornadoDevice> getAllDevices() {
        return IntStream.range(0, backend.devices().size())
                .mapToObj(this::getDevice)
                .toList();
    }

    @Override
    public TornadoDevice getDefaultDevice() {
        return getDevice(0);
    }

    @Override
    public String unavailableReason() {
        return backend.unavailableReason();
    }
}
