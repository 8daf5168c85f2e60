package io.squall.device.placement;

import java.util.List;

/**
 * The devices a placement may use. {@link #runtime()} is the real one (the runtime's discovery, with bandwidth measured
 * once per device and cached); tests pass fixed lists.
 */
public interface DeviceCatalog {
    /** Every device, in discovery order. */
    List<DeviceCandidate> devices();

    /** The device with this id, or null. */
    default DeviceCandidate find(String id) {
        for (DeviceCandidate d : devices()) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        return null;
    }

    /** Why a device id names no device here (e.g. its backend found no driver), for the error; null when unknown. */
    default String whyAbsent(String id) {
        return null;
    }

    /**
     * The measured read bandwidth of a device in bytes/s (measuring it if needed); the candidate's own figure by default.
     * Only called for devices that auto placement ranks.
     */
    default double bandwidth(DeviceCandidate device) {
        return device.bandwidth();
    }

    /** A catalog over a fixed list (tests, tools). */
    static DeviceCatalog of(List<DeviceCandidate> devices) {
        List<DeviceCandidate> copy = List.copyOf(devices);
        return () -> copy;
    }

    /** The runtime's devices. */
    static DeviceCatalog runtime() {
        return RuntimeDeviceCatalog.INSTANCE;
    }
}
