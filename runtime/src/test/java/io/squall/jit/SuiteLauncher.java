package io.squall.jit;

import io.squall.api.WorkerGrid;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.backend.KernelArguments;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.backend.opencl.driver.CLBuffer;
import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLKernel;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.suite.SuiteCase;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test-only launcher: binds a compiled suite kernel through Kernel.params() and runs it on an OpenCL device. */
final class SuiteLauncher {
    private SuiteLauncher() {}

    static DeviceCapabilities capabilities(CLDevice d) {
        return new DeviceCapabilities(
                d.hasFp64(),
                d.hasFp16(),
                d.extensions().contains("cl_khr_subgroups"),
                (int) Math.min(Integer.MAX_VALUE, d.maxWorkGroupSize()),
                d.openclCVersion());
    }

    static MemorySegment segmentOf(Object a) {
        return switch (a) {
            case io.squall.api.types.arrays.ArrayBacked backed ->
                backed.getStorage().getSegment();
            case TornadoNativeArray n -> n.getSegment();
            case float[] f -> MemorySegment.ofArray(f);
            case int[] i -> MemorySegment.ofArray(i);
            case long[] l -> MemorySegment.ofArray(l);
            case double[] d -> MemorySegment.ofArray(d);
            case short[] s -> MemorySegment.ofArray(s);
            case char[] c -> MemorySegment.ofArray(c);
            case byte[] b -> MemorySegment.ofArray(b);
            default -> throw new IllegalArgumentException("not an array: " + a);
        };
    }

    /** Compiles, builds, runs the case on the device and leaves the outputs in {@code args}. Returns the source. */
    static String run(CLContext context, CLCommandQueue queue, SuiteCase c, Object[] args, boolean specialize) {
        Kernel k = SuiteSupport.compileWith(c, args, specialize);
        String src = OpenCLEmitter.emit(k, capabilities(context.device()));
        List<CLBuffer> buffers = new ArrayList<>();
        try (CLProgram program = context.buildSource(src, OpenCLEmitter.buildOptions(k.options()));
                CLKernel kernel = program.kernel(k.entryName())) {
            // the kernel's operands too (receiver fields, counters at their initial values, as the plan's launcher
            // binds them)
            Object[] data = k.operandValues(
                    args.clone(),
                    counter -> new java.util.concurrent.atomic.AtomicInteger(
                            counter.initialValue().evaluate(args).intValue()));
            CLBuffer[] byArg = new CLBuffer[data.length];
            // an AtomicInteger travels as one int, written back after the launch
            for (int i = 0; i < data.length; i++) {
                if (data[i] instanceof java.util.concurrent.atomic.AtomicInteger ai) {
                    io.squall.api.types.arrays.IntArray one = new io.squall.api.types.arrays.IntArray(1);
                    one.set(0, ai.get());
                    data[i] = one;
                }
            }
            for (int i = 0; i < k.params().size(); i++) {
                KernelParam p = k.params().get(i);
                Object a = data[p.javaArgIndex()];
                switch (p.kind()) {
                    case BUFFER -> {
                        MemorySegment seg = segmentOf(a);
                        CLBuffer buf = context.allocate(Math.max(1, seg.byteSize()));
                        buffers.add(buf);
                        if (seg.byteSize() > 0) {
                            queue.write(buf, 0, seg, seg.byteSize(), true);
                        }
                        byArg[p.javaArgIndex()] = buf;
                        kernel.setArg(i, buf);
                    }
                    case LENGTH -> kernel.setArg(i, KernelArguments.elementCount(a));
                    case FIELD -> kernel.setArg(i, KernelArguments.intField(a, p.field()));
                    case SCALAR -> {
                        switch (a) {
                            case Integer v -> kernel.setArg(i, (int) v);
                            case Long v -> kernel.setArg(i, (long) v);
                            case Float v -> kernel.setArg(i, (float) v);
                            case Double v -> kernel.setArg(i, (double) v);
                            case Short v -> kernel.setArg(i, (short) v);
                            case Byte v -> kernel.setArg(i, (byte) v);
                            case Boolean v -> kernel.setArg(i, (byte) (v ? 1 : 0));
                            case Character v -> kernel.setArg(i, (short) v.charValue());
                            default -> throw new IllegalArgumentException("scalar " + a);
                        }
                    }
                }
            }
            for (Kernel.ReductionStart start :
                    k.reductionStarts()) { // what the plan's launcher does (see Kernel.ReductionStart)
                MemorySegment bits =
                        MemorySegment.ofArray(new long[] {start.value().bits()});
                queue.write(
                        byArg[start.javaArgIndex()],
                        0,
                        bits,
                        start.value().type().bytes(),
                        true);
            }
            long[] global;
            long[] local = null;
            switch (k.shape()) {
                case SINGLE_THREAD -> global = new long[] {1};
                case KERNEL_CONTEXT -> {
                    WorkerGrid g = c.grid();
                    global = Arrays.copyOf(g.getGlobalWork(), g.dimensions());
                    local = g.getLocalWork() == null ? null : Arrays.copyOf(g.getLocalWork(), g.dimensions());
                }
                default -> {
                    global = k.iterationSpace(data);
                    if (global == null) {
                        throw new IllegalStateException("iteration space of " + k.javaName() + " not evaluable");
                    }
                    for (int d = 0; d < global.length; d++) {
                        global[d] = Math.max(1, global[d]);
                    }
                    int[] req = k.requiredLocalSize();
                    if (req != null) {
                        local = new long[global.length];
                        for (int d = 0; d < global.length; d++) {
                            local[d] = d < req.length ? req[d] : 1;
                            global[d] = (global[d] + local[d] - 1) / local[d] * local[d];
                        }
                    }
                }
            }
            queue.launch(kernel, global, local);
            queue.finish();
            for (int i = 0; i < args.length; i++) {
                if (byArg[i] != null) {
                    MemorySegment seg = segmentOf(data[i]);
                    if (seg.byteSize() > 0) {
                        queue.read(byArg[i], 0, seg, seg.byteSize(), true);
                    }
                }
            }
            queue.finish();
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof java.util.concurrent.atomic.AtomicInteger ai) {
                    ai.set(((io.squall.api.types.arrays.IntArray) data[i]).get(0));
                }
            }
        } finally {
            buffers.forEach(CLBuffer::close);
        }
        return src;
    }
}
