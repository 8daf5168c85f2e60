package io.squall.api.runtime;

import io.squall.api.RuntimeService;
import io.squall.api.TornadoBackend;
import io.squall.api.common.TornadoDevice;

import java.util.List;

/** The backends and devices found on this machine (OpenCL first, the JVM last). */
public final class TornadoRuntime {
    static final TornadoRuntime INSTANCE = new TornadoRuntime();

    private TornadoRuntime() {}

    public int getNumBackends() {
        return RuntimeService.get().backends().size();
    }

    public TornadoBackend getBackend(int index) {
        return RuntimeService.get().backend(index);
    }

    /** The backend named {@code opencl}, {@code jvm}, ...; an error when absent. */
    public TornadoBackend getBackend(String name) {
        return RuntimeService.get().backend(name);
    }

    /** The device plans use when none is named ({@code -Dsquall.device}, else the first OpenCL GPU, OpenCL device, the JVM). */
    public TornadoDevice getDefaultDevice() {
        return RuntimeService.get().defaultDevice();
    }

    /** The device with a Squall id such as {@code opencl:0} or {@code jvm}. */
    public TornadoDevice getDevice(String id) {
        return RuntimeService.get().device(id);
    }

    /** Every device of every backend. */
    public List<TornadoDevice> getAllDevices() {
        return RuntimeService.get().allDevices();
    }
}
