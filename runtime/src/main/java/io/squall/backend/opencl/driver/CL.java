package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The OpenCL C API bound with java.lang.foreign: one downcall handle per entry point of the ICD loader,
 * each wrapped in a typed static method. Types: cl_uint/cl_int = int, size_t/cl_ulong/cl_bitfield = long,
 * handles and pointers = MemorySegment. Nothing here checks error codes; callers pass them to {@link #check}.
 */
final class CL {
    private CL() {}

    // --- constants (values from the Khronos headers) ---
    static final int CL_SUCCESS = 0;
    static final int CL_DEVICE_NOT_FOUND = -1;
    static final int CL_BUILD_PROGRAM_FAILURE = -11;
    static final int CL_INVALID_OPERATION = -59;
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    static final int CL_PLATFORM_PROFILE = 0x0900;
    static final int CL_PLATFORM_VERSION = 0x0901;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_PLATFORM_VENDOR = 0x0903;
    static final int CL_PLATFORM_EXTENSIONS = 0x0904;

    static final long CL_DEVICE_TYPE_CPU = 1L << 1;
    static final long CL_DEVICE_TYPE_GPU = 1L << 2;
    static final long CL_DEVICE_TYPE_ACCELERATOR = 1L << 3;
    static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;

    static final int CL_DEVICE_TYPE = 0x1000;
    static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    static final int CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS = 0x1003;
    static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int CL_DEVICE_MAX_WORK_ITEM_SIZES = 0x1005;
    static final int CL_DEVICE_MAX_CLOCK_FREQUENCY = 0x100C;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int CL_DEVICE_NAME = 0x102B;
    static final int CL_DEVICE_VENDOR = 0x102C;
    static final int CL_DRIVER_VERSION = 0x102D;
    static final int CL_DEVICE_VERSION = 0x102F;
    static final int CL_DEVICE_EXTENSIONS = 0x1030;
    static final int CL_DEVICE_DOUBLE_FP_CONFIG = 0x1032;
    static final int CL_DEVICE_HALF_FP_CONFIG = 0x1033;
    static final int CL_DEVICE_OPENCL_C_VERSION = 0x103D;
    static final int CL_DEVICE_IL_VERSION = 0x105B;

    static final long CL_QUEUE_PROFILING_ENABLE = 1L << 1;
    static final long CL_QUEUE_PROPERTIES = 0x1093;
    static final long CL_MEM_READ_WRITE = 1L;
    static final long CL_MEM_READ_ONLY = 1L << 2;
    static final long CL_MEM_USE_HOST_PTR = 1L << 3;

    static final int CL_PROGRAM_BINARY_SIZES = 0x1165;
    static final int CL_PROGRAM_BINARIES = 0x1166;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;

    static final int CL_PROFILING_COMMAND_QUEUED = 0x1280;
    static final int CL_PROFILING_COMMAND_SUBMIT = 0x1281;
    static final int CL_PROFILING_COMMAND_START = 0x1282;
    static final int CL_PROFILING_COMMAND_END = 0x1283;

    static final int TRUE = 1;
    static final int FALSE = 0;

    private static final Map<Integer, String> ERROR_NAMES = Map.ofEntries(
            Map.entry(0, "CL_SUCCESS"),
            Map.entry(-1, "CL_DEVICE_NOT_FOUND"),
            Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"),
            Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"),
            Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            Map.entry(-5, "CL_OUT_OF_RESOURCES"),
            Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"),
            Map.entry(-7, "CL_PROFILING_INFO_NOT_AVAILABLE"),
            Map.entry(-8, "CL_MEM_COPY_OVERLAP"),
            Map.entry(-9, "CL_IMAGE_FORMAT_MISMATCH"),
            Map.entry(-10, "CL_IMAGE_FORMAT_NOT_SUPPORTED"),
            Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"),
            Map.entry(-12, "CL_MAP_FAILURE"),
            Map.entry(-13, "CL_MISALIGNED_SUB_BUFFER_OFFSET"),
            Map.entry(-14, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"),
            Map.entry(-15, "CL_COMPILE_PROGRAM_FAILURE"),
            Map.entry(-16, "CL_LINKER_NOT_AVAILABLE"),
            Map.entry(-17, "CL_LINK_PROGRAM_FAILURE"),
            Map.entry(-18, "CL_DEVICE_PARTITION_FAILED"),
            Map.entry(-19, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"),
            Map.entry(-30, "CL_INVALID_VALUE"),
            Map.entry(-31, "CL_INVALID_DEVICE_TYPE"),
            Map.entry(-32, "CL_INVALID_PLATFORM"),
            Map.entry(-33, "CL_INVALID_DEVICE"),
            Map.entry(-34, "CL_INVALID_CONTEXT"),
            Map.entry(-35, "CL_INVALID_QUEUE_PROPERTIES"),
            Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"),
            Map.entry(-37, "CL_INVALID_HOST_PTR"),
            Map.entry(-38, "CL_INVALID_MEM_OBJECT"),
            Map.entry(-39, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"),
            Map.entry(-40, "CL_INVALID_IMAGE_SIZE"),
            Map.entry(-41, "CL_INVALID_SAMPLER"),
            Map.entry(-42, "CL_INVALID_BINARY"),
            Map.entry(-43, "CL_INVALID_BUILD_OPTIONS"),
            Map.entry(-44, "CL_INVALID_PROGRAM"),
            Map.entry(-45, "CL_INVALID_PROGRAM_EXECUTABLE"),
            Map.entry(-46, "CL_INVALID_KERNEL_NAME"),
            Map.entry(-47, "CL_INVALID_KERNEL_DEFINITION"),
            Map.entry(-48, "CL_INVALID_KERNEL"),
            Map.entry(-49, "CL_INVALID_ARG_INDEX"),
            Map.entry(-50, "CL_INVALID_ARG_VALUE"),
            Map.entry(-51, "CL_INVALID_ARG_SIZE"),
            Map.entry(-52, "CL_INVALID_KERNEL_ARGS"),
            Map.entry(-53, "CL_INVALID_WORK_DIMENSION"),
            Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"),
            Map.entry(-55, "CL_INVALID_WORK_ITEM_SIZE"),
            Map.entry(-56, "CL_INVALID_GLOBAL_OFFSET"),
            Map.entry(-57, "CL_INVALID_EVENT_WAIT_LIST"),
            Map.entry(-58, "CL_INVALID_EVENT"),
            Map.entry(-59, "CL_INVALID_OPERATION"),
            Map.entry(-60, "CL_INVALID_GL_OBJECT"),
            Map.entry(-61, "CL_INVALID_BUFFER_SIZE"),
            Map.entry(-62, "CL_INVALID_MIP_LEVEL"),
            Map.entry(-63, "CL_INVALID_GLOBAL_WORK_SIZE"),
            Map.entry(-64, "CL_INVALID_PROPERTY"),
            Map.entry(-65, "CL_INVALID_IMAGE_DESCRIPTOR"),
            Map.entry(-66, "CL_INVALID_COMPILER_OPTIONS"),
            Map.entry(-67, "CL_INVALID_LINKER_OPTIONS"),
            Map.entry(-68, "CL_INVALID_DEVICE_PARTITION_COUNT"),
            Map.entry(-69, "CL_INVALID_PIPE_SIZE"),
            Map.entry(-70, "CL_INVALID_DEVICE_QUEUE"),
            Map.entry(-71, "CL_INVALID_SPEC_ID"),
            Map.entry(-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED"),
            Map.entry(-1001, "CL_PLATFORM_NOT_FOUND_KHR"));

    /** The CL_* name of an error code, or "CL error N" for codes outside the core and KHR headers. */
    static String errorName(int code) {
        String name = ERROR_NAMES.get(code);
        return name != null ? name : "CL error " + code;
    }

    static void check(int code, String call) {
        if (code != CL_SUCCESS) {
            throw new CLException(code, call);
        }
    }

    /** Reads the cl_int error code a create-call wrote, and throws if it is not CL_SUCCESS. */
    static MemorySegment checkCreated(MemorySegment handle, MemorySegment errcode, String call) {
        check(errcode.get(JAVA_INT, 0), call);
        return handle;
    }

    // --- loading ---

    /** Library names tried in order; the hook {@link #load(List)} lets tests point elsewhere. */
    static final List<String> DEFAULT_LIBRARIES = List.of("libOpenCL.so.1", "libOpenCL.so");

    private static final Linker LINKER = Linker.nativeLinker();

    /** The loaded loader, or empty with the reason it could not be loaded. */
    record Loaded(Optional<CL.Api> api, String library, String failure) {}

    static Loaded load(List<String> libraryNames) {
        DriverEnvironment.prepare(); // before the loader opens any driver
        StringBuilder tried = new StringBuilder();
        for (String name : libraryNames) {
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                try {
                    return new Loaded(Optional.of(new Api(lookup)), name, null);
                } catch (IllegalStateException missingSymbol) {
                    return new Loaded(
                            Optional.empty(),
                            name,
                            name + " is not a usable OpenCL loader: " + missingSymbol.getMessage());
                }
            } catch (IllegalArgumentException notFound) {
                if (!tried.isEmpty()) tried.append(", ");
                tried.append(name);
            }
        }
        return new Loaded(Optional.empty(), null, "OpenCL ICD loader not found (tried " + tried + ")");
    }

    /** The bound entry points of one loaded library. */
    static final class Api {
        final MethodHandle getPlatformIDs,
                getPlatformInfo,
                getDeviceIDs,
                getDeviceInfo,
                createContext,
                releaseContext,
                createCommandQueue,
                createCommandQueueWithProperties,
                releaseCommandQueue,
                createBuffer,
                releaseMemObject,
                enqueueWriteBuffer,
                enqueueReadBuffer,
                createProgramWithSource,
                createProgramWithBinary,
                createProgramWithIL,
                buildProgram,
                getProgramBuildInfo,
                getProgramInfo,
                releaseProgram,
                createKernel,
                releaseKernel,
                setKernelArg,
                enqueueNDRangeKernel,
                waitForEvents,
                getEventProfilingInfo,
                releaseEvent,
                finish,
                flush,
                getExtensionFunctionAddressForPlatform;

        private final SymbolLookup lookup;

        Api(SymbolLookup lookup) {
            this.lookup = lookup;
            getPlatformIDs = required("clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
            getPlatformInfo = required("clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
            getDeviceIDs = required("clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
            getDeviceInfo = required("clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
            createContext = required("clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            releaseContext = required("clReleaseContext", JAVA_INT, ADDRESS);
            createCommandQueue = optional("clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
            createCommandQueueWithProperties =
                    optional("clCreateCommandQueueWithProperties", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            releaseCommandQueue = required("clReleaseCommandQueue", JAVA_INT, ADDRESS);
            createBuffer = required("clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
            releaseMemObject = required("clReleaseMemObject", JAVA_INT, ADDRESS);
            enqueueWriteBuffer = required(
                    "clEnqueueWriteBuffer",
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS,
                    JAVA_INT,
                    JAVA_LONG,
                    JAVA_LONG,
                    ADDRESS,
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS);
            enqueueReadBuffer = required(
                    "clEnqueueReadBuffer",
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS,
                    JAVA_INT,
                    JAVA_LONG,
                    JAVA_LONG,
                    ADDRESS,
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS);
            createProgramWithSource =
                    required("clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
            createProgramWithBinary = required(
                    "clCreateProgramWithBinary",
                    ADDRESS,
                    ADDRESS,
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS,
                    ADDRESS,
                    ADDRESS,
                    ADDRESS);
            createProgramWithIL = optional("clCreateProgramWithIL", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
            buildProgram = required("clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            getProgramBuildInfo = required(
                    "clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
            getProgramInfo = required("clGetProgramInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
            releaseProgram = required("clReleaseProgram", JAVA_INT, ADDRESS);
            createKernel = required("clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            releaseKernel = required("clReleaseKernel", JAVA_INT, ADDRESS);
            setKernelArg = required("clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
            enqueueNDRangeKernel = required(
                    "clEnqueueNDRangeKernel",
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS,
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS,
                    ADDRESS,
                    JAVA_INT,
                    ADDRESS,
                    ADDRESS);
            waitForEvents = required("clWaitForEvents", JAVA_INT, JAVA_INT, ADDRESS);
            getEventProfilingInfo =
                    required("clGetEventProfilingInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
            releaseEvent = required("clReleaseEvent", JAVA_INT, ADDRESS);
            finish = required("clFinish", JAVA_INT, ADDRESS);
            flush = required("clFlush", JAVA_INT, ADDRESS);
            getExtensionFunctionAddressForPlatform =
                    optional("clGetExtensionFunctionAddressForPlatform", ADDRESS, ADDRESS, ADDRESS);
            if (createCommandQueue == null && createCommandQueueWithProperties == null) {
                throw new IllegalStateException(
                        "neither clCreateCommandQueueWithProperties nor clCreateCommandQueue is exported");
            }
        }

        private MethodHandle required(String name, MemoryLayout result, MemoryLayout... args) {
            MethodHandle handle = optional(name, result, args);
            if (handle == null) {
                throw new IllegalStateException("symbol " + name + " is missing");
            }
            return handle;
        }

        private MethodHandle optional(String name, MemoryLayout result, MemoryLayout... args) {
            return lookup.find(name)
                    .map(address -> downcall(address, result, args))
                    .orElse(null);
        }

        static MethodHandle downcall(MemorySegment address, MemoryLayout result, MemoryLayout... args) {
            return LINKER.downcallHandle(address, FunctionDescriptor.of(result, args));
        }

        // --- typed wrappers (invokeExact needs the exact static types) ---

        int getPlatformIDs(int n, MemorySegment platforms, MemorySegment count) {
            try {
                return (int) getPlatformIDs.invokeExact(n, platforms, count);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getPlatformInfo(MemorySegment platform, int param, long size, MemorySegment value, MemorySegment sizeRet) {
            try {
                return (int) getPlatformInfo.invokeExact(platform, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getDeviceIDs(MemorySegment platform, long type, int n, MemorySegment devices, MemorySegment count) {
            try {
                return (int) getDeviceIDs.invokeExact(platform, type, n, devices, count);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getDeviceInfo(MemorySegment device, int param, long size, MemorySegment value, MemorySegment sizeRet) {
            try {
                return (int) getDeviceInfo.invokeExact(device, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createContext(MemorySegment props, int n, MemorySegment devices, MemorySegment err) {
            try {
                return (MemorySegment)
                        createContext.invokeExact(props, n, devices, MemorySegment.NULL, MemorySegment.NULL, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseContext(MemorySegment context) {
            try {
                return (int) releaseContext.invokeExact(context);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createCommandQueue(
                MemorySegment context, MemorySegment device, long properties, MemorySegment err) {
            try {
                return (MemorySegment) createCommandQueue.invokeExact(context, device, properties, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createCommandQueueWithProperties(
                MemorySegment context, MemorySegment device, MemorySegment props, MemorySegment err) {
            try {
                return (MemorySegment) createCommandQueueWithProperties.invokeExact(context, device, props, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseCommandQueue(MemorySegment queue) {
            try {
                return (int) releaseCommandQueue.invokeExact(queue);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createBuffer(MemorySegment context, long flags, long size, MemorySegment err) {
            return createBuffer(context, flags, size, MemorySegment.NULL, err);
        }

        MemorySegment createBuffer(
                MemorySegment context, long flags, long size, MemorySegment hostPtr, MemorySegment err) {
            try {
                return (MemorySegment) createBuffer.invokeExact(context, flags, size, hostPtr, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseMemObject(MemorySegment mem) {
            try {
                return (int) releaseMemObject.invokeExact(mem);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int enqueueWriteBuffer(
                MemorySegment queue,
                MemorySegment buffer,
                int blocking,
                long offset,
                long size,
                MemorySegment src,
                MemorySegment event) {
            try {
                return (int) enqueueWriteBuffer.invokeExact(
                        queue, buffer, blocking, offset, size, src, 0, MemorySegment.NULL, event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int enqueueReadBuffer(
                MemorySegment queue,
                MemorySegment buffer,
                int blocking,
                long offset,
                long size,
                MemorySegment dst,
                MemorySegment event) {
            try {
                return (int) enqueueReadBuffer.invokeExact(
                        queue, buffer, blocking, offset, size, dst, 0, MemorySegment.NULL, event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createProgramWithSource(
                MemorySegment context, MemorySegment strings, MemorySegment lengths, MemorySegment err) {
            try {
                return (MemorySegment) createProgramWithSource.invokeExact(context, 1, strings, lengths, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createProgramWithBinary(
                MemorySegment context,
                MemorySegment devices,
                MemorySegment lengths,
                MemorySegment binaries,
                MemorySegment status,
                MemorySegment err) {
            try {
                return (MemorySegment)
                        createProgramWithBinary.invokeExact(context, 1, devices, lengths, binaries, status, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static MemorySegment createProgramWithIL(
                MethodHandle handle, MemorySegment context, MemorySegment il, long length, MemorySegment err) {
            try {
                return (MemorySegment) handle.invokeExact(context, il, length, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int buildProgram(MemorySegment program, MemorySegment devices, MemorySegment options) {
            try {
                return (int)
                        buildProgram.invokeExact(program, 1, devices, options, MemorySegment.NULL, MemorySegment.NULL);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getProgramBuildInfo(
                MemorySegment program,
                MemorySegment device,
                int param,
                long size,
                MemorySegment value,
                MemorySegment sizeRet) {
            try {
                return (int) getProgramBuildInfo.invokeExact(program, device, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getProgramInfo(MemorySegment program, int param, long size, MemorySegment value, MemorySegment sizeRet) {
            try {
                return (int) getProgramInfo.invokeExact(program, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseProgram(MemorySegment program) {
            try {
                return (int) releaseProgram.invokeExact(program);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment createKernel(MemorySegment program, MemorySegment name, MemorySegment err) {
            try {
                return (MemorySegment) createKernel.invokeExact(program, name, err);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseKernel(MemorySegment kernel) {
            try {
                return (int) releaseKernel.invokeExact(kernel);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int setKernelArg(MemorySegment kernel, int index, long size, MemorySegment value) {
            try {
                return (int) setKernelArg.invokeExact(kernel, index, size, value);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int enqueueNDRangeKernel(
                MemorySegment queue,
                MemorySegment kernel,
                int dims,
                MemorySegment global,
                MemorySegment local,
                MemorySegment event) {
            try {
                return (int) enqueueNDRangeKernel.invokeExact(
                        queue, kernel, dims, MemorySegment.NULL, global, local, 0, MemorySegment.NULL, event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int waitForEvents(int n, MemorySegment events) {
            try {
                return (int) waitForEvents.invokeExact(n, events);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int getEventProfilingInfo(
                MemorySegment event, int param, long size, MemorySegment value, MemorySegment sizeRet) {
            try {
                return (int) getEventProfilingInfo.invokeExact(event, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int releaseEvent(MemorySegment event) {
            try {
                return (int) releaseEvent.invokeExact(event);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int finish(MemorySegment queue) {
            try {
                return (int) finish.invokeExact(queue);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int flush(MemorySegment queue) {
            try {
                return (int) flush.invokeExact(queue);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        MemorySegment getExtensionFunctionAddressForPlatform(MemorySegment platform, MemorySegment name) {
            try {
                return (MemorySegment) getExtensionFunctionAddressForPlatform.invokeExact(platform, name);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        // --- info queries shared by platforms, devices and programs ---

        /** Signature of the clGet*Info calls once the object handle is bound. */
        interface InfoCall {
            int get(int param, long size, MemorySegment value, MemorySegment sizeRet);
        }

        /** Queries a variable-sized info value (size first, then the value) into a segment of {@code arena}. */
        static MemorySegment info(Arena arena, InfoCall call, int param, String callName) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check(call.get(param, 0, MemorySegment.NULL, size), callName);
            long bytes = size.get(JAVA_LONG, 0);
            MemorySegment value = arena.allocate(Math.max(bytes, 1));
            check(call.get(param, bytes, value, MemorySegment.NULL), callName);
            return value.asSlice(0, bytes);
        }

        static String infoString(InfoCall call, int param, String callName) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = info(arena, call, param, callName);
                return cString(value);
            }
        }

        static long infoLong(InfoCall call, int param, String callName) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(JAVA_LONG);
                check(call.get(param, 8, value, MemorySegment.NULL), callName);
                return value.get(JAVA_LONG, 0);
            }
        }

        static int infoInt(InfoCall call, int param, String callName) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(JAVA_INT);
                check(call.get(param, 4, value, MemorySegment.NULL), callName);
                return value.get(JAVA_INT, 0);
            }
        }
    }

    /** A NUL-terminated (or not) char buffer as a trimmed Java string. */
    static String cString(MemorySegment value) {
        byte[] bytes = value.toArray(ValueLayout.JAVA_BYTE);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) length++;
        return new String(bytes, 0, length, StandardCharsets.UTF_8).trim();
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
