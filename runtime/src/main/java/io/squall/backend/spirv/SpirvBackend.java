package io.squall.backend.spirv;

import io.squall.backend.DiscoveringBackend;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLPlatform;
import io.squall.backend.opencl.driver.OpenCL;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL devices that can run SPIR-V ({@link SpirvRoute}), numbered {@code spirv:0}, {@code spirv:1}, ... in
 * OpenCL discovery order. A device listed here is also {@code opencl:N}; the two ids share nothing but the hardware.
 */
public final class SpirvBackend extends DiscoveringBackend<SpirvDevice> {
    @Override
    public String name() {
        return "spirv";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    protected String driverName() {
        return "OpenCL";
    }

    @Override
    protected Discovery<SpirvDevice> discover() {
        if (!OpenCL.isAvailable()) {
            return new Discovery<>(List.of(), "SPIR-V runs through OpenCL, and " + OpenCL.unavailableReason());
        }
        List<SpirvDevice> found = new ArrayList<>();
        List<String> why = new ArrayList<>();
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
        return new Discovery<>(
                found, found.isEmpty() ? (why.isEmpty() ? "no OpenCL devices" : String.join("; ", why)) : null);
    }
}
