package io.squall.jit;

import io.squall.api.KernelContext;
import io.squall.api.WorkerGrid;
import io.squall.api.types.arrays.*;
import io.squall.driver.opencl.*;
import io.squall.suite.SuiteCase;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test-only launcher: binds a compiled suite kernel through Kernel.params() and runs it on an OpenCL device. */
final class SuiteLauncher {
    private SuiteLauncher() {
    }

    static DeviceCapabilities capabilities(CLDevice d) {
        return new DeviceCapabilities(d.hasFp64(), d.hasFp16(), d.extensions().contains("cl_khr_subgroups"),
                (int) Math.min(Integer.MAX_VALUE, d.maxWorkGroupSize()), d.openclCVersion());
    }

    static MemorySegment segmentOf(Object a) {
        return switch (a) {
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

    static int lengthOf(Object a) {
        return a instanceof TornadoNativeArray n ? n.getSize() : java.lang.reflect.Array.getLength(a);
    }

    /** Compiles, builds, runs the case on the device and leaves the outputs in {@code args}. Returns the source. */
    static String run(CLContext context, CLCommandQueue queue, SuiteCase c, Object[] args, boolean specialize) {
        Kernel k = SuiteSupport.compileWith(c, args, specialize);
        String src = JitCompiler.emitOpenCL(k, capabilities(context.device()));
        List<CLBuffer> buffers = new ArrayList<>();
        try (CLProgram program = context.buildSource(src, JitCompiler.openclBuildOptions(k.options()));
             CLKernel kernel = program.kernel(k.entryName())) {
            CLBuffer[] byArg = new CLBuffer[args.length];
            for (int i = 0; i < k.params().size(); i++) {
                KernelParam p = k.params().get(i);
                Object a = args[p.javaArgIndex()];
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
                    case LENGTH -> kernel.setArg(i, lengthOf(a));
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
                    global = k.iterationSpace(args);
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
                    MemorySegment seg = segmentOf(args[i]);
                    if (seg.byteSize() > 0) {
                        queue.read(byArg[i], 0, seg, seg.byteSize(), true);
                    }
                }
            }
            queue.finish();
        } finally {
            buffers.forEach(CLBuffer::close);
        }
        return src;
    }

    /** A deep copy of the arguments, for the reference. */
    static Object[] copy(Object[] args) {
        Object[] out = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = switch (args[i]) {
                case FloatArray a -> FloatArray.fromSegment(a.getSegment());
                case DoubleArray a -> DoubleArray.fromSegment(a.getSegment());
                case IntArray a -> IntArray.fromSegment(a.getSegment());
                case LongArray a -> LongArray.fromSegment(a.getSegment());
                case ShortArray a -> ShortArray.fromSegment(a.getSegment());
                case ByteArray a -> ByteArray.fromSegment(a.getSegment());
                case Int8Array a -> Int8Array.fromSegment(a.getSegment());
                case HalfFloatArray a -> HalfFloatArray.fromSegment(a.getSegment());
                case float[] a -> a.clone();
                case int[] a -> a.clone();
                case long[] a -> a.clone();
                case double[] a -> a.clone();
                case short[] a -> a.clone();
                case byte[] a -> a.clone();
                case KernelContext k -> new KernelContext();
                default -> args[i];
            };
        }
        return out;
    }

    /** Element values as doubles (half floats widened, bytes signed) for comparison. */
    static double[] values(Object a) {
        int n = lengthOf(a);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (a) {
                case FloatArray x -> x.get(i);
                case DoubleArray x -> x.get(i);
                case IntArray x -> x.get(i);
                case LongArray x -> x.get(i);
                case ShortArray x -> x.get(i);
                case ByteArray x -> x.get(i);
                case Int8Array x -> x.get(i);
                case HalfFloatArray x -> x.getFloat(i);
                case float[] x -> x[i];
                case int[] x -> x[i];
                case long[] x -> x[i];
                case double[] x -> x[i];
                default -> throw new IllegalArgumentException("array " + a);
            };
        }
        return v;
    }

    /** Long elements compared exactly (doubles lose bits above 2^53). */
    static long[] longValues(Object a) {
        return a instanceof LongArray l ? l.toHeapArray() : a instanceof long[] x ? x : null;
    }

    /** The first output element differing from the reference beyond the case's tolerance, or null when all match. */
    static String mismatch(SuiteCase c, Object[] expected, Object[] actual) {
        for (int out : c.outputArgs()) {
            long[] el = longValues(expected[out]);
            if (el != null) {
                long[] al = longValues(actual[out]);
                for (int i = 0; i < el.length; i++) {
                    if (el[i] != al[i]) {
                        return "arg " + out + "[" + i + "]: expected " + el[i] + " but was " + al[i];
                    }
                }
                continue;
            }
            double[] e = values(expected[out]);
            double[] a = values(actual[out]);
            for (int i = 0; i < e.length; i++) {
                boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                        : c.tolerance() == 0 ? e[i] == a[i] : Math.abs(e[i] - a[i]) <= c.tolerance() * Math.max(1, Math.abs(e[i]));
                if (!ok) {
                    return "arg " + out + "[" + i + "]: expected " + e[i] + " but was " + a[i];
                }
            }
        }
        return null;
    }
}
