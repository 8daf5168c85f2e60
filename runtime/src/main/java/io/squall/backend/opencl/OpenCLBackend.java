package io.squall.backend.opencl;

import io.squall.backend.DiscoveringBackend;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLPlatform;
import io.squall.backend.opencl.driver.OpenCL;

import java.util.ArrayList;
import java.util.List;

/** OpenCL devices of every platform, numbered in discovery order: {@code opencl:0}, {@code opencl:1}, ... */
public final class OpenCLBackend extends DiscoveringBackend<OpenCLDevice> {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    protected String driverName() {
        return "OpenCL";
    }

    @Override
    protected Discovery<OpenCLDevice> discover() {
        if (!OpenCL.isAvailable()) {
            return new Discovery<>(List.of(), OpenCL.unavailableReason());
        }
        List<OpenCLDevice> found = new ArrayList<>();
        for (CLPlatform platform : OpenCL.platforms()) {
            for (CLDevice device : platform.devices()) {
                found.add(new OpenCLDevice(found.size(), device));
            }
        }
        return new Discovery<>(found, found.isEmpty() ? "the OpenCL platforms report no devices" : null);
    }
}
