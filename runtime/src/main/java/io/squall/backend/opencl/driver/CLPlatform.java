package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** An OpenCL platform (one installed driver) and its devices of every type. */
public final class CLPlatform {
    final CL.Api api;
    final MemorySegment handle;
    private final String name, vendor, version, profile, extensions;
    private final List<CLDevice> devices;

    CLPlatform(CL.Api api, MemorySegment handle) {
        this.api = api;
        this.handle = handle;
        CL.Api.InfoCall info =
                (param, size, value, sizeRet) -> api.getPlatformInfo(handle, param, size, value, sizeRet);
        this.name = CL.Api.infoString(info, CL.CL_PLATFORM_NAME, "clGetPlatformInfo");
        this.vendor = CL.Api.infoString(info, CL.CL_PLATFORM_VENDOR, "clGetPlatformInfo");
        this.version = CL.Api.infoString(info, CL.CL_PLATFORM_VERSION, "clGetPlatformInfo");
        this.profile = CL.Api.infoString(info, CL.CL_PLATFORM_PROFILE, "clGetPlatformInfo");
        this.extensions = CL.Api.infoString(info, CL.CL_PLATFORM_EXTENSIONS, "clGetPlatformInfo");
        this.devices = discoverDevices();
    }

    private List<CLDevice> discoverDevices() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = api.getDeviceIDs(handle, CL.CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
            if (code == CL.CL_DEVICE_NOT_FOUND) return List.of();
            CL.check(code, "clGetDeviceIDs");
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = arena.allocate(ADDRESS, Math.max(n, 1));
            CL.check(api.getDeviceIDs(handle, CL.CL_DEVICE_TYPE_ALL, n, ids, MemorySegment.NULL), "clGetDeviceIDs");
            List<CLDevice> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) list.add(new CLDevice(this, ids.getAtIndex(ADDRESS, i)));
            return List.copyOf(list);
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

    public String profile() {
        return profile;
    }

    public String extensions() {
        return extensions;
    }

    public List<CLDevice> devices() {
        return devices;
    }

    @Override
    public String toString() {
        return name + " (" + vendor + ", " + version + ")";
    }
}
