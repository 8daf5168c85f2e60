package io.squall.backend.ptx;

import io.squall.backend.DiscoveringBackend;
import io.squall.backend.ptx.driver.Cuda;
import io.squall.backend.ptx.driver.CudaDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * NVIDIA GPUs through the CUDA driver ({@code libcuda.so.1}), running kernels the JIT emits as PTX:
 * {@code ptx:0}, {@code ptx:1}, ... in CUDA's device order. Without a driver there are no devices and
 * {@link #unavailableReason()} says why; the other backends are unaffected.
 */
public final class PtxBackend extends DiscoveringBackend<PtxDevice> {
    @Override
    public String name() {
        return "ptx";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    protected String driverName() {
        return "CUDA";
    }

    @Override
    protected Discovery<PtxDevice> discover() {
        if (!Cuda.isAvailable()) {
            return new Discovery<>(List.of(), "no CUDA driver: " + Cuda.unavailableReason());
        }
        List<PtxDevice> found = new ArrayList<>();
        for (CudaDevice d : Cuda.devices()) {
            if (d.computeCapabilityMajor() >= 7) {
                found.add(new PtxDevice(found.size(), d, Cuda.driverVersion()));
            }
        }
        if (!found.isEmpty()) {
            return new Discovery<>(found, null);
        }
        return new Discovery<>(
                found,
                Cuda.devices().isEmpty()
                        ? "the CUDA driver reports no devices"
                        : "no CUDA device of compute capability 7.0 or newer (the PTX backend needs sm_70+)");
    }
}
