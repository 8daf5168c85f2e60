package io.squall.exec.device.opencl;

import io.squall.driver.opencl.CLDevice;
import io.squall.driver.opencl.CLPlatform;
import io.squall.driver.opencl.OpenCL;
import io.squall.exec.device.Backend;

import java.util.ArrayList;
import java.util.List;

/** OpenCL devices of every platform, numbered in discovery order: {@code opencl:0}, {@code opencl:1}, ... */
public final class OpenCLBackend implements Backend {
    private List<OpenCLDevice> devices;
    private String unavailable;

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public synchronized List<OpenCLDevice> devices() {
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
        List<OpenCLDevice> found = new ArrayList<>();
        try {
            if (!OpenCL.isAvailable()) {
                unavailable = OpenCL.unavailableReason();
            } else {
                for (CLPlatform platform : OpenCL.platforms()) {
                    for (CLDevice device : platform.devices()) {
                        found.add(new OpenCLDevice(found.size(), device));
                    }
                }
                if (found.isEmpty()) {
                    unavailable = "the OpenCL platforms report no devices";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            unavailable = "OpenCL discovery failed: " + e.getMessage();
            found.clear();
        }
        devices = List.copyOf(found);
    }
}
