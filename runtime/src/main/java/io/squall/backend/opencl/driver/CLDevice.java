package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** An OpenCL device and its properties, read once at discovery. */
public final class CLDevice {
    private final CLPlatform platform;
    final MemorySegment handle;
    private final String name, vendor, version, driverVersion, openclCVersion, ilVersion;
    private final DeviceType type;
    private final long globalMemSize, localMemSize, maxMemAllocSize, maxWorkGroupSize;
    private final int maxComputeUnits, maxClockMhz;
    private final long[] maxWorkItemSizes;
    private final Set<String> extensions;

    CLDevice(CLPlatform platform, MemorySegment handle) {
        this.platform = platform;
        this.handle = handle;
        CL.Api api = platform.api;
        CL.Api.InfoCall info = (param, size, value, sizeRet) -> api.getDeviceInfo(handle, param, size, value, sizeRet);
        String call = "clGetDeviceInfo";
        name = CL.Api.infoString(info, CL.CL_DEVICE_NAME, call);
        vendor = CL.Api.infoString(info, CL.CL_DEVICE_VENDOR, call);
        version = CL.Api.infoString(info, CL.CL_DEVICE_VERSION, call);
        driverVersion = CL.Api.infoString(info, CL.CL_DRIVER_VERSION, call);
        openclCVersion = CL.Api.infoString(info, CL.CL_DEVICE_OPENCL_C_VERSION, call);
        type = DeviceType.fromBits(CL.Api.infoLong(info, CL.CL_DEVICE_TYPE, call));
        globalMemSize = CL.Api.infoLong(info, CL.CL_DEVICE_GLOBAL_MEM_SIZE, call);
        localMemSize = CL.Api.infoLong(info, CL.CL_DEVICE_LOCAL_MEM_SIZE, call);
        maxMemAllocSize = CL.Api.infoLong(info, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE, call);
        maxWorkGroupSize = CL.Api.infoLong(info, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE, call);
        maxComputeUnits = CL.Api.infoInt(info, CL.CL_DEVICE_MAX_COMPUTE_UNITS, call);
        maxClockMhz = CL.Api.infoInt(info, CL.CL_DEVICE_MAX_CLOCK_FREQUENCY, call);
        try (Arena arena = Arena.ofConfined()) {
            maxWorkItemSizes = CL.Api.info(arena, info, CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, call)
                    .toArray(JAVA_LONG);
        }
        extensions = new LinkedHashSet<>(Arrays.asList(
                CL.Api.infoString(info, CL.CL_DEVICE_EXTENSIONS, call).split("\\s+")));
        extensions.remove("");
        ilVersion = readIlVersion(info);
    }

    /** CL_DEVICE_IL_VERSION is OpenCL 2.1+ (or cl_khr_il_program); older devices reject the query: no IL. */
    private static String readIlVersion(CL.Api.InfoCall info) {
        try {
            return CL.Api.infoString(info, CL.CL_DEVICE_IL_VERSION, "clGetDeviceInfo");
        } catch (CLException unsupported) {
            return "";
        }
    }

    public String name() {
        return name;
    }

    public String vendor() {
        return vendor;
    }

    public String version() {
        return version;
    }

    public String driverVersion() {
        return driverVersion;
    }

    public String openclCVersion() {
        return openclCVersion;
    }

    public DeviceType type() {
        return type;
    }

    public long globalMemSize() {
        return globalMemSize;
    }

    public long localMemSize() {
        return localMemSize;
    }

    public long maxMemAllocSize() {
        return maxMemAllocSize;
    }

    public int maxComputeUnits() {
        return maxComputeUnits;
    }

    public long maxWorkGroupSize() {
        return maxWorkGroupSize;
    }

    public long[] maxWorkItemSizes() {
        return maxWorkItemSizes.clone();
    }

    public int maxClockMhz() {
        return maxClockMhz;
    }

    public Set<String> extensions() {
        return Set.copyOf(extensions);
    }
    /** Intermediate languages the device accepts through clCreateProgramWithIL (e.g. "SPIR-V_1.2"), or "" if none. */
    public String ilVersion() {
        return ilVersion;
    }

    public boolean hasFp64() {
        return extensions.contains("cl_khr_fp64");
    }

    public boolean hasFp16() {
        return extensions.contains("cl_khr_fp16");
    }

    public CLPlatform platform() {
        return platform;
    }

    @Override
    public String toString() {
        return name + " [" + type + ", " + platform.name() + "]";
    }
}
