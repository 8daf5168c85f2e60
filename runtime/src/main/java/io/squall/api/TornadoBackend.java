package io.squall.api;

import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.enums.TornadoVMBackendType;

import java.util.List;

/** A backend and its devices, under TornadoVM's name and package. */
public interface TornadoBackend {
    String getName();

    int getNumDevices();

    TornadoDevice getDevice(int index);

    List<TornadoDevice> getAllDevices();

    TornadoDevice getDefaultDevice();

    /**
     * Makes this backend's device {@code index} the default device of plans created afterwards (it sets
     * {@code -Dsquall.device}, which every plan without a device of its own reads).
     */
    default void setDefaultDevice(int index) {
        System.setProperty(
                io.squall.plan.RuntimeOptions.DEVICE, getDevice(index).getId());
    }

    default TornadoDeviceType getTypeDefaultDevice() {
        return getDefaultDevice().getDeviceType();
    }

    /** Squall lists each backend's devices across platforms as one list. */
    default int getNumPlatforms() {
        return 1;
    }

    default TornadoVMBackendType getBackendType() {
        return TornadoVMBackendType.ofBackendName(getName());
    }

    /** Squall's addition: why the backend has no devices (e.g. its driver library is missing); null when it has some. */
    default String unavailableReason() {
        return null;
    }
}
