package io.squall.backend.opencl.driver;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenCL driver on every device found (PoCL in CI; `POCL_DEVICES="pthread pthread"` gives two).
 * Results are checked against plain Java references.
 */
class OpenCLDriverTest {

    static final String VECTOR_ADD = """
            __kernel void vadd(__global const float* a, __global const float* b, __global float* c, int n) {
                int i = get_global_id(0);
                if (i < n) c[i] = a[i] + b[i];
            }
            """;

    @BeforeEach // per test, so every skip is reported (a class-level skip would not be counted)
    void requireOpenCL() {
        assumeTrue(OpenCL.isAvailable(), "OpenCL unavailable: " + OpenCL.unavailableReason());
    }

    static List<CLDevice> devices() {
        List<CLDevice> devices = OpenCL.devices();
        assumeTrue(!devices.isEmpty(), "OpenCL platforms have no devices");
        return devices;
    }

    @Test
    void enumeratesPlatformsAndDevicesWithProperties() {
        assertFalse(OpenCL.platforms().isEmpty());
        for (CLPlatform platform : OpenCL.platforms()) {
            assertFalse(platform.name().isEmpty());
            assertTrue(platform.version().startsWith("OpenCL "), platform.version());
            for (CLDevice device : platform.devices()) {
                assertSame(platform, device.platform());
                assertFalse(device.name().isEmpty());
                assertTrue(device.version().startsWith("OpenCL "), device.version());
                assertTrue(device.openclCVersion().startsWith("OpenCL C "), device.openclCVersion());
                assertFalse(device.driverVersion().isEmpty());
                assertTrue(device.globalMemSize() > 0);
                assertTrue(device.localMemSize() > 0);
                assertTrue(device.maxMemAllocSize() > 0 && device.maxMemAllocSize() <= device.globalMemSize());
                assertTrue(device.maxComputeUnits() > 0);
                assertTrue(device.maxWorkGroupSize() > 0);
                assertTrue(device.maxWorkItemSizes().length >= 3, "at least 3 work-item dimensions");
                assertTrue(device.maxClockMhz() >= 0);
                assertTrue(
                        device.extensions().contains("cl_khr_global_int32_base_atomics")
                                || device.version().contains("3.0"),
                        device.extensions().toString());
                assertNotNull(device.ilVersion());
                assertEquals(device.extensions().contains("cl_khr_fp64"), device.hasFp64());
                if (platform.name().contains("Portable Computing Language")
                        && device.name().startsWith("pthread")) {
                    assertEquals(DeviceType.CPU, device.type());
                }
            }
        }
        assertEquals(
                OpenCL.platforms().stream().mapToInt(p -> p.devices().size()).sum(),
                OpenCL.devices().size());
    }

    @Test
    void vectorAddMatchesJava() {
        for (CLDevice device : devices()) {
            int n = 1000; // not a multiple of the work-group size: the kernel's bound check matters
            float[] a = new float[n], b = new float[n];
            Random random = new Random(42);
            for (int i = 0; i < n; i++) {
                a[i] = random.nextFloat();
                b[i] = random.nextFloat() * 100;
            }
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildSource(VECTOR_ADD, "");
                    CLKernel kernel = program.kernel("vadd")) {
                float[] c = runVectorAdd(context, queue, kernel, a, b, new long[] {1024}, new long[] {64});
                for (int i = 0; i < n; i++)
                    assertEquals(a[i] + b[i], c[i], 0f, "element " + i + " on " + device.name());
                // Driver-chosen work-group size, global == n.
                float[] c2 = runVectorAdd(context, queue, kernel, a, b, new long[] {n}, null);
                assertArrayEquals(c, c2);
            }
        }
    }

    static float[] runVectorAdd(
            CLContext context,
            CLCommandQueue queue,
            CLKernel kernel,
            float[] a,
            float[] b,
            long[] global,
            long[] local) {
        int n = a.length;
        try (Arena arena = Arena.ofConfined();
                CLBuffer da = context.allocate(4L * n);
                CLBuffer db = context.allocate(4L * n);
                CLBuffer dc = context.allocate(4L * n)) {
            MemorySegment ha = arena.allocateFrom(JAVA_FLOAT, a), hb = arena.allocateFrom(JAVA_FLOAT, b);
            MemorySegment hc = arena.allocate(JAVA_FLOAT, n);
            queue.write(da, 0, ha, 4L * n, true).close();
            queue.write(db, 0, hb, 4L * n, true).close();
            kernel.setArg(0, da);
            kernel.setArg(1, db);
            kernel.setArg(2, dc);
            kernel.setArg(3, n);
            queue.launch(kernel, global, local).close();
            queue.read(dc, 0, hc, 4L * n, true).close();
            return hc.toArray(JAVA_FLOAT);
        }
    }

    @Test
    void localMemoryReductionPerWorkGroup() {
        String source = """
                __kernel void groupSum(__global const int* in, __global int* partial, __local int* scratch) {
                    int lid = get_local_id(0);
                    scratch[lid] = in[get_global_id(0)];
                    barrier(CLK_LOCAL_MEM_FENCE);
                    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
                        if (lid < s) scratch[lid] += scratch[lid + s];
                        barrier(CLK_LOCAL_MEM_FENCE);
                    }
                    if (lid == 0) partial[get_group_id(0)] = scratch[0];
                }
                """;
        int local = 64, groups = 16, n = local * groups;
        int[] input = new Random(7).ints(n, -1000, 1000).toArray();
        int[] expected = new int[groups];
        for (int i = 0; i < n; i++) expected[i / local] += input[i];
        for (CLDevice device : devices()) {
            try (Arena arena = Arena.ofConfined();
                    CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildSource(source, "");
                    CLKernel kernel = program.kernel("groupSum");
                    CLBuffer in = context.allocate(4L * n);
                    CLBuffer partial = context.allocate(4L * groups)) {
                queue.write(in, 0, arena.allocateFrom(JAVA_INT, input), 4L * n, true);
                kernel.setArg(0, in);
                kernel.setArg(1, partial);
                kernel.setLocalArg(2, 4L * local);
                queue.launch(kernel, new long[] {n}, new long[] {local});
                MemorySegment out = arena.allocate(JAVA_INT, groups);
                queue.read(partial, 0, out, 4L * groups, true);
                assertArrayEquals(expected, out.toArray(JAVA_INT), device.name());
            }
        }
    }

    @Test
    void twoDimensionalLaunchCoversTheGrid() {
        String source = """
                __kernel void coords(__global int* out, int width) {
                    int x = get_global_id(0), y = get_global_id(1);
                    out[y * width + x] = x * 1000 + y;
                }
                """;
        int width = 48, height = 20;
        int[] expected = new int[width * height];
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) expected[y * width + x] = x * 1000 + y;
        for (CLDevice device : devices()) {
            try (Arena arena = Arena.ofConfined();
                    CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildSource(source, "");
                    CLKernel kernel = program.kernel("coords");
                    CLBuffer out = context.allocate(4L * width * height)) {
                kernel.setArg(0, out);
                kernel.setArg(1, width);
                queue.launch(kernel, new long[] {width, height}, new long[] {8, 4});
                MemorySegment host = arena.allocate(JAVA_INT, (long) width * height);
                queue.read(out, 0, host, host.byteSize(), true);
                assertArrayEquals(expected, host.toArray(JAVA_INT), device.name());
            }
        }
    }

    @Test
    void scalarArgumentsOfEveryWidth() {
        String source = """
                __kernel void scalars(__global long* longs, __global float* floats, int i, long l, short s, char c, float f) {
                    longs[0] = i; longs[1] = l; longs[2] = s; longs[3] = c; floats[0] = f;
                }
                __kernel void dbl(__global double* out, double d) { out[0] = d * 2.0; }
                """;
        for (CLDevice device : devices()) {
            String program = device.hasFp64()
                    ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" + source
                    : source.substring(0, source.indexOf("__kernel void dbl"));
            try (Arena arena = Arena.ofConfined();
                    CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram built = context.buildSource(program, "");
                    CLKernel kernel = built.kernel("scalars");
                    CLBuffer longs = context.allocate(32);
                    CLBuffer floats = context.allocate(4)) {
                kernel.setArg(0, longs);
                kernel.setArg(1, floats);
                kernel.setArg(2, -123456789);
                kernel.setArg(3, 0x1234_5678_9abc_def0L);
                kernel.setArg(4, (short) -12345);
                kernel.setArg(5, (byte) -7);
                kernel.setArg(6, 3.25f);
                queue.launch(kernel, new long[] {1}, null);
                MemorySegment l = arena.allocate(32), f = arena.allocate(4);
                queue.read(longs, 0, l, 32, true);
                queue.read(floats, 0, f, 4, true);
                assertArrayEquals(new long[] {-123456789, 0x1234_5678_9abc_def0L, -12345, -7}, l.toArray(JAVA_LONG));
                assertEquals(3.25f, f.get(JAVA_FLOAT, 0));
                if (device.hasFp64()) {
                    try (CLKernel dbl = built.kernel("dbl");
                            CLBuffer out = context.allocate(8)) {
                        dbl.setArg(0, out);
                        dbl.setArg(1, Math.PI);
                        queue.launch(dbl, new long[] {1}, null);
                        MemorySegment d = arena.allocate(8);
                        queue.read(out, 0, d, 8, true);
                        assertEquals(2 * Math.PI, d.get(JAVA_DOUBLE, 0));
                    }
                }
            }
        }
    }

    @Test
    void nonBlockingTransfersWithHeapAndNativeMemory() {
        int n = 4096;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * 0.5f;
            b[i] = 1000 - i;
        }
        for (CLDevice device : devices()) {
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(true);
                    CLProgram program = context.buildSource(VECTOR_ADD, "");
                    CLKernel kernel = program.kernel("vadd");
                    CLBuffer da = context.allocate(4L * n);
                    CLBuffer db = context.allocate(4L * n);
                    CLBuffer dc = context.allocate(4L * n)) {
                // Heap source (staged), native source from an automatic arena nobody else references.
                CLEvent w1 = queue.write(da, 0, MemorySegment.ofArray(a), 4L * n, false);
                CLEvent w2 = queue.write(db, 0, Arena.ofAuto().allocateFrom(JAVA_FLOAT, b), 4L * n, false);
                kernel.setArg(0, da);
                kernel.setArg(1, db);
                kernel.setArg(2, dc);
                kernel.setArg(3, n);
                CLEvent run = queue.launch(kernel, new long[] {n}, null);
                float[] heapResult = new float[n];
                CLEvent r1 = queue.read(dc, 0, MemorySegment.ofArray(heapResult), 4L * n, false);
                r1.waitFor(); // completes the copy into the heap array
                for (int i = 0; i < n; i++) assertEquals(a[i] + b[i], heapResult[i], "element " + i);
                // A second non-blocking read into heap memory completed by finish() instead.
                float[] viaFinish = new float[n];
                queue.read(dc, 0, MemorySegment.ofArray(viaFinish), 4L * n, false);
                queue.finish();
                assertArrayEquals(heapResult, viaFinish);
                for (CLEvent e : List.of(w1, w2, run, r1)) {
                    assertTrue(e.endNs() >= e.startNs(), e.toString());
                    e.close();
                }
            }
        }
    }

    @Test
    void profilingTimesAreMonotone() {
        for (CLDevice device : devices()) {
            int n = 1 << 16;
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(true);
                    CLProgram program = context.buildSource(VECTOR_ADD, "");
                    CLKernel kernel = program.kernel("vadd");
                    CLBuffer da = context.allocate(4L * n);
                    CLBuffer dc = context.allocate(4L * n)) {
                kernel.setArg(0, da);
                kernel.setArg(1, da);
                kernel.setArg(2, dc);
                kernel.setArg(3, n);
                try (CLEvent event = queue.launch(kernel, new long[] {n}, null)) {
                    long queued = event.queuedNs(),
                            submit = event.submitNs(),
                            start = event.startNs(),
                            end = event.endNs();
                    assertTrue(queued > 0, "queued timestamp " + queued);
                    assertTrue(
                            queued <= submit && submit <= start && start <= end,
                            "queued " + queued + " submit " + submit + " start " + start + " end " + end);
                    assertEquals(end - start, event.durationNs());
                }
            }
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLBuffer buffer = context.allocate(64);
                    CLEvent event = queue.write(buffer, 0, Arena.ofAuto().allocate(64), 64, true)) {
                CLException e = assertThrows(CLException.class, event::startNs);
                assertEquals("CL_PROFILING_INFO_NOT_AVAILABLE", e.errorName());
                assertTrue(e.getMessage().contains("profiling enabled"), e.getMessage());
            }
        }
    }

    @Test
    void buildFailureCarriesTheLogWithTheLine() {
        String source = """
                __kernel void broken(__global float* a) {
                    int i = get_global_id(0);
                    a[i] = undefined_variable * 2.0f;
                }
                """;
        for (CLDevice device : devices()) {
            try (CLContext context = CLContext.create(device)) {
                CLBuildException e = assertThrows(CLBuildException.class, () -> context.buildSource(source, ""));
                assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName());
                assertEquals(device.name(), e.deviceName());
                assertTrue(e.buildLog().contains("undefined_variable"), e.buildLog());
                assertTrue(e.buildLog().contains(":3:"), "log names line 3: " + e.buildLog());
                assertTrue(
                        e.getMessage().contains(device.name()) && e.getMessage().contains(e.buildLog()),
                        e.getMessage());
            }
        }
    }

    @Test
    void errorsNameTheCallAndTheCause() {
        for (CLDevice device : devices()) {
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildSource(VECTOR_ADD, "")) {
                CLException noKernel = assertThrows(CLException.class, () -> program.kernel("noSuchKernel"));
                assertEquals("CL_INVALID_KERNEL_NAME", noKernel.errorName());
                assertTrue(noKernel.getMessage().contains("clCreateKernel")
                        && noKernel.getMessage().contains("noSuchKernel"));
                try (CLKernel kernel = program.kernel("vadd")) {
                    CLException badIndex = assertThrows(CLException.class, () -> kernel.setArg(9, 1));
                    assertEquals("CL_INVALID_ARG_INDEX", badIndex.errorName());
                    CLException unset =
                            assertThrows(CLException.class, () -> queue.launch(kernel, new long[] {16}, null));
                    assertEquals("CL_INVALID_KERNEL_ARGS", unset.errorName());
                    assertTrue(unset.getMessage().contains("vadd"), unset.getMessage());
                    assertThrows(
                            IllegalArgumentException.class, () -> queue.launch(kernel, new long[] {1, 2, 3, 4}, null));
                }
                CLException options =
                        assertThrows(CLException.class, () -> context.buildSource(VECTOR_ADD, "-no-such-option"));
                assertTrue(options.getMessage().contains("clBuildProgram"), options.getMessage());
                try (CLBuffer buffer = context.allocate(16)) {
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> queue.write(buffer, 8, Arena.ofAuto().allocate(16), 16, true));
                }
            }
        }
    }

    @Test
    void binaryRoundTrip() {
        int n = 300;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
            b[i] = 2 * i + 0.25f;
        }
        for (CLDevice device : devices()) {
            byte[] binary;
            float[] fromSource;
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildSource(VECTOR_ADD, "");
                    CLKernel kernel = program.kernel("vadd")) {
                binary = program.binary();
                fromSource = runVectorAdd(context, queue, kernel, a, b, new long[] {n}, null);
            }
            assertTrue(binary.length > 0);
            // A fresh context, as an AOT flow would load it.
            try (CLContext context = CLContext.create(device);
                    CLCommandQueue queue = context.createQueue(false);
                    CLProgram program = context.buildBinary(binary, "");
                    CLKernel kernel = program.kernel("vadd")) {
                float[] fromBinary = runVectorAdd(context, queue, kernel, a, b, new long[] {n}, null);
                assertArrayEquals(fromSource, fromBinary);
                for (int i = 0; i < n; i++) assertEquals(a[i] + b[i], fromBinary[i]);
                byte[] garbage = new byte[256];
                new Random(1).nextBytes(garbage);
                CLException e = assertThrows(CLException.class, () -> context.buildBinary(garbage, ""));
                assertTrue(e.getMessage().contains(device.name()), e.getMessage());
            }
        }
    }

    /** OpenCL C: {@code __kernel void twice(__global int* a) { size_t i = get_global_id(0); a[i] = a[i] * 2; }}
     *  compiled with clang-15 (spir64, -O2), llvm-spirv-15 --spirv-max-version=1.0, spirv-opt --strip-debug;
     *  passes spirv-val --target-env opencl2.2. */
    static final int[] TWICE_SPIRV = {
        0x07230203, 0x00010000, 0x0006000e, 0x00000017, 0x00000000, 0x00020011, 0x00000004, 0x00020011,
        0x00000005, 0x00020011, 0x00000006, 0x00020011, 0x0000000b, 0x0005000b, 0x00000001, 0x6e65704f,
        0x732e4c43, 0x00006474, 0x0003000e, 0x00000002, 0x00000002, 0x0006000f, 0x00000006, 0x00000013,
        0x63697774, 0x00000065, 0x00000005, 0x000d0047, 0x00000005, 0x00000029, 0x70735f5f, 0x5f767269,
        0x6c697542, 0x476e4974, 0x61626f6c, 0x766e496c, 0x7461636f, 0x496e6f69, 0x00000064, 0x00000001,
        0x00030047, 0x00000005, 0x00000016, 0x00040047, 0x00000005, 0x0000000b, 0x0000001c, 0x00060047,
        0x0000000a, 0x00000029, 0x63697774, 0x00000065, 0x00000000, 0x00040047, 0x0000000b, 0x00000026,
        0x00000005, 0x00040047, 0x0000000b, 0x0000002c, 0x00000004, 0x00040047, 0x00000014, 0x00000026,
        0x00000005, 0x00040047, 0x00000014, 0x0000002c, 0x00000004, 0x00040015, 0x00000002, 0x00000040,
        0x00000000, 0x00040015, 0x00000007, 0x00000020, 0x00000000, 0x0004002b, 0x00000007, 0x00000011,
        0x00000001, 0x00040017, 0x00000003, 0x00000002, 0x00000003, 0x00040020, 0x00000004, 0x00000001,
        0x00000003, 0x00020013, 0x00000006, 0x00040020, 0x00000008, 0x00000005, 0x00000007, 0x00040021,
        0x00000009, 0x00000006, 0x00000008, 0x0004003b, 0x00000004, 0x00000005, 0x00000001, 0x00050036,
        0x00000006, 0x0000000a, 0x00000000, 0x00000009, 0x00030037, 0x00000008, 0x0000000b, 0x000200f8,
        0x0000000c, 0x0006003d, 0x00000003, 0x0000000d, 0x00000005, 0x00000002, 0x00000020, 0x00050051,
        0x00000002, 0x0000000e, 0x0000000d, 0x00000000, 0x00050046, 0x00000008, 0x0000000f, 0x0000000b,
        0x0000000e, 0x0006003d, 0x00000007, 0x00000010, 0x0000000f, 0x00000002, 0x00000004, 0x000500c4,
        0x00000007, 0x00000012, 0x00000010, 0x00000011, 0x0005003e, 0x0000000f, 0x00000012, 0x00000002,
        0x00000004, 0x000100fd, 0x00010038, 0x00050036, 0x00000006, 0x00000013, 0x00000000, 0x00000009,
        0x00030037, 0x00000008, 0x00000014, 0x000200f8, 0x00000015, 0x00050039, 0x00000006, 0x00000016,
        0x0000000a, 0x00000014, 0x000100fd, 0x00010038,
    };

    static byte[] spirvBytes() {
        ByteBuffer bytes = ByteBuffer.allocate(TWICE_SPIRV.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : TWICE_SPIRV) bytes.putInt(word);
        return bytes.array();
    }

    @Test
    void intermediateLanguageWhereSupportedElseAClearError() {
        for (CLDevice device : devices()) {
            try (Arena arena = Arena.ofConfined();
                    CLContext context = CLContext.create(device)) {
                if (device.ilVersion().isEmpty()) {
                    CLException e = assertThrows(CLException.class, () -> context.buildIL(spirvBytes(), ""));
                    assertTrue(
                            e.getMessage().contains("CL_DEVICE_IL_VERSION")
                                    && e.getMessage().contains(device.name()),
                            e.getMessage());
                    continue;
                }
                assertTrue(device.ilVersion().contains("SPIR-V"), device.ilVersion());
                try (CLCommandQueue queue = context.createQueue(false);
                        CLProgram program = context.buildIL(spirvBytes(), "");
                        CLKernel kernel = program.kernel("twice");
                        CLBuffer buffer = context.allocate(4 * 64)) {
                    int[] values = new Random(3).ints(64, -100000, 100000).toArray();
                    MemorySegment host = arena.allocateFrom(JAVA_INT, values);
                    queue.write(buffer, 0, host, 256, true);
                    kernel.setArg(0, buffer);
                    queue.launch(kernel, new long[] {64}, null);
                    queue.read(buffer, 0, host, 256, true);
                    int[] result = host.toArray(JAVA_INT);
                    for (int i = 0; i < 64; i++) assertEquals(values[i] * 2, result[i]);
                }
            }
            try (CLContext context = CLContext.create(device)) {
                assertThrows(
                        IllegalArgumentException.class, () -> context.buildIL(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, ""));
            }
        }
    }

    @Test
    void bufferLargerThanTheDeviceAllowsIsRejectedClearly() {
        CLDevice device = devices().getFirst();
        try (CLContext context = CLContext.create(device)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> context.allocate(device.maxMemAllocSize() + 1));
            assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), e.getMessage());
            assertNotEquals(0, device.maxMemAllocSize());
        }
    }
}
