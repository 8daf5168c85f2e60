package io.squall.api.runtime;

import io.squall.api.common.TornadoBackend;
import io.squall.api.common.TornadoDevice;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.device.Devices;
import io.squall.device.SquallDevice;
import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;

import java.util.List;

/** The backends and devices found on this machine (OpenCL first, the JVM last). */
public final class TornadoRuntime {
    static final TornadoRuntime INSTANCE = new TornadoRuntime();

    private TornadoRuntime() {
    }

    public int getNumBackends() {
        return Devices.backends().size();
    }

    public TornadoBackend getBackend(int index) {
        List<Backend> backends = Devices.backends();
        if (index < 0 || index >= backends.size()) {
            throw new TornadoDeviceException("no backend " + index + ": there are " + backends.size() + " (" + Devices.available() + ")");
        }
        return new BackendView(backends.get(index), index);
    }

    /** The backend named {@code opencl}, {@code jvm}, ...; an error when absent. */
    public TornadoBackend getBackend(String name) {
        List<Backend> backends = Devices.backends();
        for (int i = 0; i < backends.size(); i++) {
            if (backends.get(i).name().equals(name)) {
                return new BackendView(backends.get(i), i);
            }
        }
        throw new TornadoDeviceException("no backend named '" + name + "'");
    }

    /** The device plans use when none is named (see {@link Devices#defaultDevice()}). */
    public TornadoDevice getDefaultDevice() {
        return SquallDevice.of(Devices.defaultDevice());
    }

    /** The device with a Squall id such as {@code opencl:0} or {@code jvm}. */
    public TornadoDevice getDevice(String id) {
        return SquallDevice.of(Devices.get(id));
    }

    /** Every device of every backend. */
    public List<TornadoDevice> getAllDevices() {
        return Devices.all().stream().map(d -> (TornadoDevice) SquallDevice.of(d)).toList();
    }

    private record BackendView(Backend backend, int index) implements TornadoBackend {
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
                throw new TornadoDeviceException("backend " + index + " (" + backend.name() + ") has no device " + i + ": it has "
                        + devices.size() + why);
            }
            return new SquallDevice(devices.get(i), index, i, backend.name());
        }

        @Override
        public List<TornadoDevice> getAllDevices() {
            List<? extends ComputeDevice> devices = backend.devices();
            return java.util.stream.IntStream.range(0, devices.size()).mapToObj(this::getDevice).toList();
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
}
