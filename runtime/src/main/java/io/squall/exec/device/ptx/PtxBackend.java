package io.squall.exec.device.ptx;

import io.squall.driver.cuda.Cuda;
import io.squall.driver.cuda.CudaDevice;
import io.squall.exec.device.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * NVIDIA GPUs through the CUDA driver ({@code libcuda.so.1}), running kernels the JIT emits as PTX:
 * {@code ptx:0}, {@code ptx:1}, ... in CUDA's device order. Without a driver there are no devices and
 * {@link #unavailableReason()} says why; the other backends are unaffected.
 */
public final class PtxBackend implements Backend {
    private List<PtxDevice> devices;
    private String unavailable;

    @Override
    public String name() {
        return "ptx";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public synchronized List<PtxDevice> devices() {
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
        List<PtxDevice> found = new ArrayList<>();
        try {
            if (!Cuda.isAvailable()) {
                unavailable = "no CUDA driver: " + Cuda.unavailableReason();
            } else {
                for (CudaDevice d : Cuda.devices()) {
                    if (d.computeCapabilityMajor() >= 7) {
                        found.add(new PtxDevice(found.size(), d, Cuda.driverVersion()));
                    }
                }
                if (found.isEmpty()) {
                    unavailable = Cuda.devices().isEmpty() ? "the CUDA driver reports no devices"
                            : "no CUDA device of compute capability 7.0 or newer (the PTX backend needs sm_70+)";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            unavailable = "CUDA discovery failed: " + e.getMessage();
            found.clear();
        }
        devices = List.copyOf(found);
    }
}
