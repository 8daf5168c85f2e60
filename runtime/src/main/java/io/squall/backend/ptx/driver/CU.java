package io.squall.backend.ptx.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API ({@code libcuda.so.1}) bound with java.lang.foreign, using the versioned entry points
 * the CUDA headers map the plain names to (cuMemAlloc -> cuMemAlloc_v2, ...). Types: CUresult/CUdevice/int
 * = int, size_t/CUdeviceptr = long, handles = MemorySegment. Callers pass results to {@link Api#check}.
 */
final class CU {
    private CU() {}

    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_STUB_LIBRARY = 34;
    static final int CUDA_ERROR_NO_DEVICE = 100;

    static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    static final int CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2;
    static final int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5;
    static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10;
    static final int CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13;
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_DEVICE_ATTRIBUTE_PCI_BUS_ID = 33;
    static final int CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36;
    static final int CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37;
    static final int CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38;
    static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR = 39;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;

    static final int CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    static final int CU_FUNC_ATTRIBUTE_NUM_REGS = 4;
    static final int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    static final int CU_JIT_INFO_LOG_BUFFER = 3;
    static final int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    static final int CU_JIT_LOG_VERBOSE = 12;

    static final int CU_STREAM_NON_BLOCKING = 1;
    static final int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
    static final int CU_EVENT_DEFAULT = 0;

    static final List<String> DEFAULT_LIBRARIES = List.of("libcuda.so.1", "libcuda.so");

    private static final Linker LINKER = Linker.nativeLinker();

    /**
     * Every entry point bound, as {name or alternatives} -> descriptor. The first name found wins; the later
     * names are older spellings of the same function with the same signature.
     */
    static final Map<List<String>, FunctionDescriptor> FUNCTIONS = new LinkedHashMap<>();

    private static void fn(List<String> names, MemoryLayout... args) {
        FUNCTIONS.put(names, FunctionDescriptor.of(JAVA_INT, args));
    }

    static {
        fn(List.of("cuInit"), JAVA_INT);
        fn(List.of("cuDriverGetVersion"), ADDRESS);
        fn(List.of("cuGetErrorName"), JAVA_INT, ADDRESS);
        fn(List.of("cuGetErrorString"), JAVA_INT, ADDRESS);
        fn(List.of("cuDeviceGetCount"), ADDRESS);
        fn(List.of("cuDeviceGet"), ADDRESS, JAVA_INT);
        fn(List.of("cuDeviceGetName"), ADDRESS, JAVA_INT, JAVA_INT);
        fn(List.of("cuDeviceGetAttribute"), ADDRESS, JAVA_INT, JAVA_INT);
        fn(List.of("cuDeviceTotalMem_v2"), ADDRESS, JAVA_INT);
        fn(List.of("cuDevicePrimaryCtxRetain"), ADDRESS, JAVA_INT);
        fn(List.of("cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"), JAVA_INT);
        fn(List.of("cuCtxSetCurrent"), ADDRESS);
        fn(List.of("cuCtxSynchronize"));
        fn(List.of("cuMemGetInfo_v2"), ADDRESS, ADDRESS);
        fn(List.of("cuModuleLoadDataEx"), ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        fn(List.of("cuModuleGetFunction"), ADDRESS, ADDRESS, ADDRESS);
        fn(List.of("cuModuleUnload"), ADDRESS);
        fn(List.of("cuFuncGetAttribute"), ADDRESS, JAVA_INT, ADDRESS);
        fn(List.of("cuFuncSetAttribute"), ADDRESS, JAVA_INT, JAVA_INT);
        fn(List.of("cuMemAlloc_v2"), ADDRESS, JAVA_LONG);
        fn(List.of("cuMemFree_v2"), JAVA_LONG);
        fn(List.of("cuMemAllocHost_v2"), ADDRESS, JAVA_LONG);
        fn(List.of("cuMemFreeHost"), ADDRESS);
        fn(List.of("cuMemcpyHtoDAsync_v2"), JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        fn(List.of("cuMemcpyDtoHAsync_v2"), ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        fn(List.of("cuMemcpyDtoDAsync_v2"), JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        fn(List.of("cuMemsetD8Async"), JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS);
        fn(List.of("cuStreamCreate"), ADDRESS, JAVA_INT);
        fn(List.of("cuStreamSynchronize"), ADDRESS);
        fn(List.of("cuStreamDestroy_v2"), ADDRESS);
        fn(
                List.of("cuLaunchKernel"),
                ADDRESS,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                ADDRESS,
                ADDRESS,
                ADDRESS);
        fn(List.of("cuEventCreate"), ADDRESS, JAVA_INT);
        fn(List.of("cuEventRecord"), ADDRESS, ADDRESS);
        fn(List.of("cuEventSynchronize"), ADDRESS);
        fn(List.of("cuEventElapsedTime_v2", "cuEventElapsedTime"), ADDRESS, ADDRESS, ADDRESS);
        fn(List.of("cuEventDestroy_v2"), ADDRESS);
        fn(List.of("cuStreamBeginCapture_v2"), ADDRESS, JAVA_INT);
        fn(List.of("cuStreamEndCapture"), ADDRESS, ADDRESS);
        fn(List.of("cuGraphInstantiateWithFlags"), ADDRESS, ADDRESS, JAVA_LONG);
        fn(List.of("cuGraphLaunch"), ADDRESS, ADDRESS);
        fn(List.of("cuGraphExecDestroy"), ADDRESS);
        fn(List.of("cuGraphDestroy"), ADDRESS);
    }

    /** The loaded driver library, or the reason it could not be bound. */
    record Loaded(Api api, String library, String failure) {}

    static Loaded load(List<String> libraryNames) {
        List<String> missing = new ArrayList<>();
        for (String name : libraryNames) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException notFound) {
                missing.add(name);
                continue;
            }
            return bind(lookup, name);
        }
        return new Loaded(null, null, "CUDA driver library not found (tried " + String.join(", ", missing) + ")");
    }

    /** Binds every function of {@link #FUNCTIONS} from {@code lookup}; package-private so tests can bind a stub library. */
    static Loaded bind(SymbolLookup lookup, String library) {
        Map<String, MethodHandle> handles = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (Map.Entry<List<String>, FunctionDescriptor> f : FUNCTIONS.entrySet()) {
            MethodHandle handle = null;
            for (String name : f.getKey()) {
                var address = lookup.find(name);
                if (address.isPresent()) {
                    handle = LINKER.downcallHandle(address.get(), f.getValue());
                    break;
                }
            }
            if (handle == null) unresolved.add(String.join("/", f.getKey()));
            else handles.put(f.getKey().getFirst(), handle);
        }
        if (!unresolved.isEmpty()) {
            return new Loaded(
                    null, library, library + " lacks " + unresolved + " (driver too old? CUDA 12 or newer is needed)");
        }
        return new Loaded(new Api(handles), library, null);
    }

    /** The bound functions, with typed wrappers. */
    static final class Api {
        final Map<String, MethodHandle> handles;
        private final MethodHandle cuInit,
                cuDriverGetVersion,
                cuGetErrorName,
                cuGetErrorString,
                cuDeviceGetCount,
                cuDeviceGet,
                cuDeviceGetName,
                cuDeviceGetAttribute,
                cuDeviceTotalMem,
                cuDevicePrimaryCtxRetain,
                cuDevicePrimaryCtxRelease,
                cuCtxSetCurrent,
                cuCtxSynchronize,
                cuMemGetInfo,
                cuModuleLoadDataEx,
                cuModuleGetFunction,
                cuModuleUnload,
                cuFuncGetAttribute,
                cuFuncSetAttribute,
                cuMemAlloc,
                cuMemFree,
                cuMemAllocHost,
                cuMemFreeHost,
                cuMemcpyHtoDAsync,
                cuMemcpyDtoHAsync,
                cuMemcpyDtoDAsync,
                cuMemsetD8Async,
                cuStreamCreate,
                cuStreamSynchronize,
                cuStreamDestroy,
                cuLaunchKernel,
                cuEventCreate,
                cuEventRecord,
                cuEventSynchronize,
                cuEventElapsedTime,
                cuEventDestroy,
                cuStreamBeginCapture,
                cuStreamEndCapture,
                cuGraphInstantiateWithFlags,
                cuGraphLaunch,
                cuGraphExecDestroy,
                cuGraphDestroy;

        Api(Map<String, MethodHandle> handles) {
            this.handles = Map.copyOf(handles);
            cuInit = handles.get("cuInit");
            cuDriverGetVersion = handles.get("cuDriverGetVersion");
            cuGetErrorName = handles.get("cuGetErrorName");
            cuGetErrorString = handles.get("cuGetErrorString");
            cuDeviceGetCount = handles.get("cuDeviceGetCount");
            cuDeviceGet = handles.get("cuDeviceGet");
            cuDeviceGetName = handles.get("cuDeviceGetName");
            cuDeviceGetAttribute = handles.get("cuDeviceGetAttribute");
            cuDeviceTotalMem = handles.get("cuDeviceTotalMem_v2");
            cuDevicePrimaryCtxRetain = handles.get("cuDevicePrimaryCtxRetain");
            cuDevicePrimaryCtxRelease = handles.get("cuDevicePrimaryCtxRelease_v2");
            cuCtxSetCurrent = handles.get("cuCtxSetCurrent");
            cuCtxSynchronize = handles.get("cuCtxSynchronize");
            cuMemGetInfo = handles.get("cuMemGetInfo_v2");
            cuModuleLoadDataEx = handles.get("cuModuleLoadDataEx");
            cuModuleGetFunction = handles.get("cuModuleGetFunction");
            cuModuleUnload = handles.get("cuModuleUnload");
            cuFuncGetAttribute = handles.get("cuFuncGetAttribute");
            cuFuncSetAttribute = handles.get("cuFuncSetAttribute");
            cuMemAlloc = handles.get("cuMemAlloc_v2");
            cuMemFree = handles.get("cuMemFree_v2");
            cuMemAllocHost = handles.get("cuMemAllocHost_v2");
            cuMemFreeHost = handles.get("cuMemFreeHost");
            cuMemcpyHtoDAsync = handles.get("cuMemcpyHtoDAsync_v2");
            cuMemcpyDtoHAsync = handles.get("cuMemcpyDtoHAsync_v2");
            cuMemcpyDtoDAsync = handles.get("cuMemcpyDtoDAsync_v2");
            cuMemsetD8Async = handles.get("cuMemsetD8Async");
            cuStreamCreate = handles.get("cuStreamCreate");
            cuStreamSynchronize = handles.get("cuStreamSynchronize");
            cuStreamDestroy = handles.get("cuStreamDestroy_v2");
            cuLaunchKernel = handles.get("cuLaunchKernel");
            cuEventCreate = handles.get("cuEventCreate");
            cuEventRecord = handles.get("cuEventRecord");
            cuEventSynchronize = handles.get("cuEventSynchronize");
            cuEventElapsedTime = handles.get("cuEventElapsedTime_v2");
            cuEventDestroy = handles.get("cuEventDestroy_v2");
            cuStreamBeginCapture = handles.get("cuStreamBeginCapture_v2");
            cuStreamEndCapture = handles.get("cuStreamEndCapture");
            cuGraphInstantiateWithFlags = handles.get("cuGraphInstantiateWithFlags");
            cuGraphLaunch = handles.get("cuGraphLaunch");
            cuGraphExecDestroy = handles.get("cuGraphExecDestroy");
            cuGraphDestroy = handles.get("cuGraphDestroy");
        }

        /** Throws a {@link CudaException} naming {@code call} and the CUDA_ERROR_ name unless {@code result} is success. */
        void check(int result, String call) {
            if (result != CUDA_SUCCESS) throw exception(result, call, null);
        }

        CudaException exception(int result, String call, String detail) {
            return new CudaException(result, errorName(result), errorString(result), call, detail);
        }

        String errorName(int result) {
            return errorText(cuGetErrorName, result);
        }

        String errorString(int result) {
            return errorText(cuGetErrorString, result);
        }

        private static String errorText(MethodHandle function, int result) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment text = arena.allocate(ADDRESS);
                int status = (int) function.invokeExact(result, text);
                MemorySegment pointer = text.get(ADDRESS, 0);
                if (status != CUDA_SUCCESS || pointer.equals(MemorySegment.NULL)) return "CUDA error " + result;
                return pointer.reinterpret(4096).getString(0);
            } catch (Throwable t) {
                return "CUDA error " + result;
            }
        }

        int init(int flags) {
            try {
                return (int) cuInit.invokeExact(flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int driverGetVersion(MemorySegment version) {
            try {
                return (int) cuDriverGetVersion.invokeExact(version);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int deviceGetCount(MemorySegment count) {
            try {
                return (int) cuDeviceGetCount.invokeExact(count);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int deviceGet(MemorySegment device, int ordinal) {
            try {
                return (int) cuDeviceGet.invokeExact(device, ordinal);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int deviceGetName(MemorySegment name, int length, int device) {
            try {
                return (int) cuDeviceGetName.invokeExact(name, length, device);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int deviceGetAttribute(MemorySegment value, int attribute, int device) {
            try {
                return (int) cuDeviceGetAttribute.invokeExact(value, attribute, device);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int deviceTotalMem(MemorySegment bytes, int device) {
            try {
                return (int) cuDeviceTotalMem.invokeExact(bytes, device);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int devicePrimaryCtxRetain(MemorySegment context, int device) {
            try {
                return (int) cuDevicePrimaryCtxRetain.invokeExact(context, device);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int devicePrimaryCtxRelease(int device) {
            try {
                return (int) cuDevicePrimaryCtxRelease.invokeExact(device);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int ctxSetCurrent(MemorySegment context) {
            try {
                return (int) cuCtxSetCurrent.invokeExact(context);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int ctxSynchronize() {
            try {
                return (int) cuCtxSynchronize.invokeExact();
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memGetInfo(MemorySegment free, MemorySegment total) {
            try {
                return (int) cuMemGetInfo.invokeExact(free, total);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int moduleLoadDataEx(
                MemorySegment module,
                MemorySegment image,
                int numOptions,
                MemorySegment options,
                MemorySegment values) {
            try {
                return (int) cuModuleLoadDataEx.invokeExact(module, image, numOptions, options, values);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int moduleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
            try {
                return (int) cuModuleGetFunction.invokeExact(function, module, name);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int moduleUnload(MemorySegment module) {
            try {
                return (int) cuModuleUnload.invokeExact(module);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int funcGetAttribute(MemorySegment value, int attribute, MemorySegment function) {
            try {
                return (int) cuFuncGetAttribute.invokeExact(value, attribute, function);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int funcSetAttribute(MemorySegment function, int attribute, int value) {
            try {
                return (int) cuFuncSetAttribute.invokeExact(function, attribute, value);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memAlloc(MemorySegment pointer, long bytes) {
            try {
                return (int) cuMemAlloc.invokeExact(pointer, bytes);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memFree(long pointer) {
            try {
                return (int) cuMemFree.invokeExact(pointer);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memAllocHost(MemorySegment pointer, long bytes) {
            try {
                return (int) cuMemAllocHost.invokeExact(pointer, bytes);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memFreeHost(MemorySegment pointer) {
            try {
                return (int) cuMemFreeHost.invokeExact(pointer);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
            try {
                return (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
            try {
                return (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
            try {
                return (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int memsetD8Async(long dst, byte value, long count, MemorySegment stream) {
            try {
                return (int) cuMemsetD8Async.invokeExact(dst, value, count, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int streamCreate(MemorySegment stream, int flags) {
            try {
                return (int) cuStreamCreate.invokeExact(stream, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int streamSynchronize(MemorySegment stream) {
            try {
                return (int) cuStreamSynchronize.invokeExact(stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int streamDestroy(MemorySegment stream) {
            try {
                return (int) cuStreamDestroy.invokeExact(stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int launchKernel(
                MemorySegment function,
                int gx,
                int gy,
                int gz,
                int bx,
                int by,
                int bz,
                int sharedBytes,
                MemorySegment stream,
                MemorySegment params) {
            try {
                return (int) cuLaunchKernel.invokeExact(
                        function, gx, gy, gz, bx, by, bz, sharedBytes, stream, params, MemorySegment.NULL);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int eventCreate(MemorySegment event, int flags) {
            try {
                return (int) cuEventCreate.invokeExact(event, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int eventRecord(MemorySegment event, MemorySegment stream) {
            try {
                return (int) cuEventRecord.invokeExact(event, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int eventSynchronize(MemorySegment event) {
            try {
                return (int) cuEventSynchronize.invokeExact(event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int eventElapsedTime(MemorySegment millis, MemorySegment start, MemorySegment end) {
            try {
                return (int) cuEventElapsedTime.invokeExact(millis, start, end);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int eventDestroy(MemorySegment event) {
            try {
                return (int) cuEventDestroy.invokeExact(event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int streamBeginCapture(MemorySegment stream, int mode) {
            try {
                return (int) cuStreamBeginCapture.invokeExact(stream, mode);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int streamEndCapture(MemorySegment stream, MemorySegment graph) {
            try {
                return (int) cuStreamEndCapture.invokeExact(stream, graph);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int graphInstantiate(MemorySegment exec, MemorySegment graph, long flags) {
            try {
                return (int) cuGraphInstantiateWithFlags.invokeExact(exec, graph, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int graphLaunch(MemorySegment exec, MemorySegment stream) {
            try {
                return (int) cuGraphLaunch.invokeExact(exec, stream);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int graphExecDestroy(MemorySegment exec) {
            try {
                return (int) cuGraphExecDestroy.invokeExact(exec);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int graphDestroy(MemorySegment graph) {
            try {
                return (int) cuGraphDestroy.invokeExact(graph);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        /** Reads one int-valued device attribute. */
        int attribute(int device, int attribute) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(JAVA_INT);
                check(deviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
                return value.get(JAVA_INT, 0);
            }
        }

        static float elapsed(Api api, MemorySegment start, MemorySegment end) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment millis = arena.allocate(JAVA_FLOAT);
                api.check(api.eventElapsedTime(millis, start, end), "cuEventElapsedTime");
                return millis.get(JAVA_FLOAT, 0);
            }
        }

        static long readLong(MemorySegment segment) {
            return segment.get(JAVA_LONG, 0);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
