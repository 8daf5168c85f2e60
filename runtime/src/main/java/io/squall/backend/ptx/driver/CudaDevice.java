package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A CUDA device and its properties, read once at discovery. */
public final class CudaDevice {
    final CU.Api api;
    final int handle; // CUdevice
    private final int ordinal;
    private final String name;
    private final long totalMem;
    private final int ccMajor,
            ccMinor,
            multiprocessors,
            maxThreadsPerBlock,
            maxThreadsPerMultiprocessor,
            warpSize,
            sharedMemPerBlock,
            sharedMemPerBlockOptin,
            clockKHz,
            memoryClockKHz,
            memoryBusWidth,
            l2CacheSize,
            pciBusId;

    CudaDevice(CU.Api api, int ordinal, int handle) {
        this.api = api;
        this.ordinal = ordinal;
        this.handle = handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(256);
            api.check(api.deviceGetName(text, 256, handle), "cuDeviceGetName");
            name = text.getString(0).trim();
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            api.check(api.deviceTotalMem(bytes, handle), "cuDeviceTotalMem_v2");
            totalMem = bytes.get(JAVA_LONG, 0);
        }
        ccMajor = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ccMinor = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        multiprocessors = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        maxThreadsPerBlock = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        maxThreadsPerMultiprocessor = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);
        warpSize = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_WARP_SIZE);
        sharedMemPerBlock = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
        sharedMemPerBlockOptin = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        clockKHz = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
        memoryClockKHz = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
        memoryBusWidth = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
        l2CacheSize = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
        pciBusId = api.attribute(handle, CU.CU_DEVICE_ATTRIBUTE_PCI_BUS_ID);
    }

    /** Position in {@link Cuda#devices()}. */
    public int ordinal() {
        return ordinal;
    }

    public String name() {
        return name;
    }

    public int computeCapabilityMajor() {
        return ccMajor;
    }

    public int computeCapabilityMinor() {
        return ccMinor;
    }
    /** The PTX target for this device, e.g. "sm_90". */
    public String smArch() {
        return "sm_" + ccMajor + ccMinor;
    }
    /** Total device memory in bytes. */
    public long totalMem() {
        return totalMem;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public int maxThreadsPerBlock() {
        return maxThreadsPerBlock;
    }

    public int maxThreadsPerMultiprocessor() {
        return maxThreadsPerMultiprocessor;
    }

    public int warpSize() {
        return warpSize;
    }
    /** Shared memory a block gets without opting in (usually 48 KiB). */
    public int sharedMemPerBlock() {
        return sharedMemPerBlock;
    }
    /** Shared memory a block may use after opting in per function (launch does that when asked for more). */
    public int sharedMemPerBlockOptin() {
        return sharedMemPerBlockOptin;
    }

    public int clockKHz() {
        return clockKHz;
    }
    /** Peak memory clock (kHz; may be 0 on recent drivers that no longer report it). */
    public int memoryClockKHz() {
        return memoryClockKHz;
    }

    public int memoryBusWidthBits() {
        return memoryBusWidth;
    }

    public int l2CacheBytes() {
        return l2CacheSize;
    }

    public int pciBusId() {
        return pciBusId;
    }

    @Override
    public String toString() {
        return name + " (" + smArch() + ", " + multiprocessors + " SMs, " + (totalMem >> 20) + " MiB)";
    }
}
