package io.squall.backend.opencl.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A context on one device: creates its command queues, buffers and programs. Close releases the context;
 * objects created from it must be closed first.
 */
public final class CLContext implements AutoCloseable {
    private static final int SPIRV_MAGIC = 0x07230203;

    final CL.Api api;
    final MemorySegment handle;
    private final CLDevice device;
    private boolean closed;

    private CLContext(CL.Api api, MemorySegment handle, CLDevice device) {
        this.api = api;
        this.handle = handle;
        this.device = device;
    }

    public static CLContext create(CLDevice device) {
        CL.Api api = device.platform().api;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocateFrom(ADDRESS, device.handle);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment context = api.createContext(MemorySegment.NULL, 1, devices, err);
            return new CLContext(api, CL.checkCreated(context, err, "clCreateContext"), device);
        }
    }

    public CLDevice device() {
        return device;
    }

    /** An in-order queue; with {@code profiling} its events carry queued/start/end times. */
    public CLCommandQueue createQueue(boolean profiling) {
        long properties = profiling ? CL.CL_QUEUE_PROFILING_ENABLE : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment queue;
            String call;
            // A 1.x platform may leave the 2.0 entry empty in its dispatch table even when the loader exports it.
            if (api.createCommandQueueWithProperties != null
                    && majorVersion(device.platform().version()) >= 2) {
                call = "clCreateCommandQueueWithProperties";
                MemorySegment props = arena.allocateFrom(JAVA_LONG, CL.CL_QUEUE_PROPERTIES, properties, 0L);
                queue = api.createCommandQueueWithProperties(handle, device.handle, props, err);
            } else {
                call = "clCreateCommandQueue";
                queue = api.createCommandQueue(handle, device.handle, properties, err);
            }
            return new CLCommandQueue(this, CL.checkCreated(queue, err, call), profiling);
        }
    }

    /** A read-write device buffer of {@code bytes} bytes. */
    public CLBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        if (bytes > device.maxMemAllocSize()) {
            throw new IllegalArgumentException(
                    "buffer of " + bytes + " bytes exceeds the largest allocation of device '" + device.name()
                            + "' (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + device.maxMemAllocSize() + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment buffer = api.createBuffer(handle, CL.CL_MEM_READ_WRITE, bytes, err);
            return new CLBuffer(this, CL.checkCreated(buffer, err, "clCreateBuffer (" + bytes + " bytes)"), bytes);
        }
    }

    /**
     * A read-only buffer over host memory that the device reads in place ({@code CL_MEM_USE_HOST_PTR}): on CPU devices
     * no copy is made (PoCL). {@code host} must stay mapped and unchanged while the buffer lives.
     */
    public CLBuffer wrapReadOnly(MemorySegment host) {
        if (!host.isNative() || host.byteSize() <= 0) {
            throw new IllegalArgumentException("wrapReadOnly needs a non-empty native segment, got " + host);
        }
        if (host.byteSize() > device.maxMemAllocSize()) {
            throw new IllegalArgumentException(
                    "buffer of " + host.byteSize() + " bytes exceeds the largest allocation of device '" + device.name()
                            + "' (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + device.maxMemAllocSize() + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment buffer =
                    api.createBuffer(handle, CL.CL_MEM_READ_ONLY | CL.CL_MEM_USE_HOST_PTR, host.byteSize(), host, err);
            return new CLBuffer(
                    this,
                    CL.checkCreated(
                            buffer, err, "clCreateBuffer (" + host.byteSize() + " bytes of host memory in place)"),
                    host.byteSize());
        }
    }

    /** Compiles OpenCL C source for this context's device; on failure a {@link CLBuildException} carries the log. */
    public CLProgram buildSource(String source, String options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(source);
            MemorySegment strings = arena.allocateFrom(ADDRESS, text);
            MemorySegment lengths = arena.allocateFrom(JAVA_LONG, text.byteSize() - 1);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment program = api.createProgramWithSource(handle, strings, lengths, err);
            return build(CL.checkCreated(program, err, "clCreateProgramWithSource"), options);
        }
    }

    /** Loads a device binary (e.g. from {@link CLProgram#binary()} or an offline compiler) and builds it. */
    public CLProgram buildBinary(byte[] binary, String options) {
        if (binary.length == 0) throw new IllegalArgumentException("empty program binary");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, binary);
            MemorySegment devices = arena.allocateFrom(ADDRESS, device.handle);
            MemorySegment lengths = arena.allocateFrom(JAVA_LONG, (long) binary.length);
            MemorySegment binaries = arena.allocateFrom(ADDRESS, bytes);
            MemorySegment status = arena.allocate(JAVA_INT);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment program = api.createProgramWithBinary(handle, devices, lengths, binaries, status, err);
            int code = err.get(JAVA_INT, 0);
            if (code != CL.CL_SUCCESS) {
                throw new CLException(
                        code,
                        "clCreateProgramWithBinary",
                        "the " + binary.length
                                + "-byte binary was rejected by device '" + device.name() + "' (binary status "
                                + CL.errorName(status.get(JAVA_INT, 0))
                                + "); it was probably built for another device or driver");
            }
            return build(program, options);
        }
    }

    /** Loads an intermediate-language module (SPIR-V) through clCreateProgramWithIL and builds it. */
    public CLProgram buildIL(byte[] spirv, String options) {
        if (spirv.length < 20 || spirv.length % 4 != 0 || !hasSpirvMagic(spirv)) {
            throw new IllegalArgumentException("not a SPIR-V module: " + spirv.length
                    + " bytes, expected a multiple of 4 starting with the magic number 0x07230203");
        }
        if (device.ilVersion().isEmpty()) {
            throw new CLException(
                    CL.CL_INVALID_OPERATION,
                    "clCreateProgramWithIL",
                    "device '" + device.name()
                            + "' accepts no intermediate language (CL_DEVICE_IL_VERSION is empty, no cl_khr_il_program); "
                            + "build OpenCL C source with buildSource instead");
        }
        MethodHandle createWithIL = resolveCreateProgramWithIL();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment il = arena.allocateFrom(JAVA_BYTE, spirv);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment program = CL.Api.createProgramWithIL(createWithIL, handle, il, spirv.length, err);
            return build(
                    CL.checkCreated(program, err, "clCreateProgramWithIL (device IL: " + device.ilVersion() + ")"),
                    options);
        }
    }

    private static boolean hasSpirvMagic(byte[] module) {
        int little =
                MemorySegment.ofArray(module).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        return little == SPIRV_MAGIC || Integer.reverseBytes(little) == SPIRV_MAGIC;
    }

    /** The core 2.1 entry when the platform has it, else the cl_khr_il_program extension function. */
    private MethodHandle resolveCreateProgramWithIL() {
        if (api.createProgramWithIL != null && versionAtLeast(device.platform().version(), 2, 1)) {
            return api.createProgramWithIL;
        }
        if (api.getExtensionFunctionAddressForPlatform != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment address = api.getExtensionFunctionAddressForPlatform(
                        device.platform().handle, arena.allocateFrom("clCreateProgramWithILKHR"));
                if (!MemorySegment.NULL.equals(address)) {
                    return CL.Api.downcall(address, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
                }
            }
        }
        if (api.createProgramWithIL != null) return api.createProgramWithIL;
        throw new CLException(
                CL.CL_INVALID_OPERATION,
                "clCreateProgramWithIL",
                "neither the loader nor platform '" + device.platform().name()
                        + "' provides clCreateProgramWithIL or clCreateProgramWithILKHR");
    }

    /** Builds a created program for the device; releases it and throws with the build log on failure. */
    private CLProgram build(MemorySegment program, String options) {
        int code;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocateFrom(ADDRESS, device.handle);
            code = api.buildProgram(program, devices, arena.allocateFrom(options == null ? "" : options));
        }
        String log = readBuildLog(program);
        if (code != CL.CL_SUCCESS) {
            api.releaseProgram(program);
            if (code == CL.CL_BUILD_PROGRAM_FAILURE) throw new CLBuildException(code, device.name(), log);
            throw new CLException(
                    code,
                    "clBuildProgram",
                    "device '" + device.name() + "', options '" + options + "'"
                            + (log.isEmpty() ? "" : ". Build log:\n" + log));
        }
        return new CLProgram(this, program, log);
    }

    String readBuildLog(MemorySegment program) {
        CL.Api.InfoCall info = (param, size, value, sizeRet) ->
                api.getProgramBuildInfo(program, device.handle, param, size, value, sizeRet);
        try {
            return CL.Api.infoString(info, CL.CL_PROGRAM_BUILD_LOG, "clGetProgramBuildInfo");
        } catch (CLException e) {
            return "(build log unavailable: " + e.getMessage() + ")";
        }
    }

    private static final Pattern VERSION = Pattern.compile("OpenCL (\\d+)\\.(\\d+)");

    static int majorVersion(String version) {
        Matcher m = VERSION.matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    static boolean versionAtLeast(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version);
        if (!m.find()) return false;
        int maj = Integer.parseInt(m.group(1)), min = Integer.parseInt(m.group(2));
        return maj > major || (maj == major && min >= minor);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CL.check(api.releaseContext(handle), "clReleaseContext");
    }
}
