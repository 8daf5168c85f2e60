package io.squall.exec.device.spirv;

import io.squall.driver.opencl.CLDevice;
import io.squall.driver.opencl.CLPlatform;
import io.squall.driver.opencl.OpenCL;
import io.squall.exec.device.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL devices that can run SPIR-V ({@link SpirvRoute}), numbered {@code spirv:0}, {@code spirv:1}, ... in
 * OpenCL discovery order. A device listed here is also {@code opencl:N}; the two ids share nothing but the hardware.
 */
public final class SpirvBackend implements Backend {
    private List<SpirvDevice> devices;
    private String unavailable;

    @Override
    public String name() {
        return "spirv";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public synchronized List<SpirvDevice> devices() {
        if (devices == null) {
            discover();
        }
        return devices;
    }

    @Override
    public synchronized String unavailableReason() {
        if (devices == null) {
            discover();
        }
        return unavailable;
    }

    private void discover() {
        List<SpirvDevice> found = new ArrayList<>();
        List<String> why = new ArrayList<>();
        try {
            if (!OpenCL.isAvailable()) {
                why.add("SPIR-V runs through OpenCL, and " + OpenCL.unavailableReason());
            } else {
                for (CLPlatform platform : OpenCL.platforms()) {
                    for (CLDevice device : platform.devices()) {
                        SpirvRoute route = SpirvRoute.of(device);
                        if (route == SpirvRoute.NONE) {
                            why.add(SpirvRoute.whyNot(device));
                        } else {
                            found.add(new SpirvDevice(found.size(), device, route));
                        }
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            why.add("OpenCL discovery failed: " + e.getMessage());
            found.clear();
        }
        devices = List.copyOf(found);
        unavailable = found.isEmpty() ? (why.isEmpty() ? "no OpenCL devices" : String.join("; ", why)) : null;
    }
}
