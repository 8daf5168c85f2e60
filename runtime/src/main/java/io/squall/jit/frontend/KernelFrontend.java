package io.squall.jit.frontend;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Reduce;
import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.CharArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FP8Array;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.IterationExpr;
import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.KernelParam;
import io.squall.jit.ReceiverFields;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;
import io.squall.jit.passes.ScalarSpecialization;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds a {@link Kernel} from a static Java method: the ABI parameters, the parsed body, parallel loops and reductions. */
public final class KernelFrontend {
    record ArrayKind(ScalarType element, boolean unsigned) {}

    private static final Map<Class<?>, ArrayKind> ARRAY_KINDS = Map.ofEntries(
            Map.entry(FloatArray.class, new ArrayKind(ScalarType.F32, false)),
            Map.entry(DoubleArray.class, new ArrayKind(ScalarType.F64, false)),
            Map.entry(IntArray.class, new ArrayKind(ScalarType.I32, false)),
            Map.entry(LongArray.class, new ArrayKind(ScalarType.I64, false)),
            Map.entry(ShortArray.class, new ArrayKind(ScalarType.I16, false)),
            Map.entry(CharArray.class, new ArrayKind(ScalarType.I16, true)),
            Map.entry(ByteArray.class, new ArrayKind(ScalarType.I8, false)),
            Map.entry(Int8Array.class, new ArrayKind(ScalarType.I8, false)),
            Map.entry(FP8Array.class, new ArrayKind(ScalarType.I8, false)),
            Map.entry(HalfFloatArray.class, new ArrayKind(ScalarType.F16, false)),
            Map.entry(float[].class, new ArrayKind(ScalarType.F32, false)),
            Map.entry(double[].class, new ArrayKind(ScalarType.F64, false)),
            Map.entry(int[].class, new ArrayKind(ScalarType.I32, false)),
            Map.entry(long[].class, new ArrayKind(ScalarType.I64, false)),
            Map.entry(short[].class, new ArrayKind(ScalarType.I16, false)),
            Map.entry(char[].class, new ArrayKind(ScalarType.I16, true)),
            Map.entry(byte[].class, new ArrayKind(ScalarType.I8, false)),
            Map.entry(boolean[].class, new ArrayKind(ScalarType.I8, false)));

    private static final Map<Class<?>, ScalarType> SCALARS = Map.of(
            int.class,
            ScalarType.I32,
            long.class,
            ScalarType.I64,
            float.class,
            ScalarType.F32,
            double.class,
            ScalarType.F64,
            short.class,
            ScalarType.I16,
            char.class,
            ScalarType.I16,
            byte.class,
            ScalarType.I8,
            boolean.class,
            ScalarType.I8);

    private KernelFrontend() {}

    /** The element kind of an off-heap array class (io/squall/api/types/arrays/FloatArray, ...); null for other classes. */
    static ArrayKind arrayKindOf(String internalName) {
        for (Map.Entry<Class<?>, ArrayKind> e : ARRAY_KINDS.entrySet()) {
            if (!e.getKey().isArray() && e.getKey().getName().replace('.', '/').equals(internalName)) {
                return e.getValue();
            }
        }
        return null;
    }

    public static Kernel compile(Method method, List<ArgSpec> args, CompileOptions options) {
        String javaName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        Class<?>[] types = ReceiverFields.argumentTypes(method); // an instance method's receiver first
        int firstParameter = types.length - method.getParameterCount();
        if (args.size() != types.length) {
            throw new IllegalArgumentException(
                    javaName + " takes " + types.length + " arguments, got " + args.size() + " ArgSpecs");
        }
        ClassModel cls = ClassModels.load(
                method.getDeclaringClass().getName().replace('.', '/'),
                method.getDeclaringClass().getClassLoader());
        MethodModel mm = ClassModels.find(cls, method.getName(), TaskDescriptor.of(method));
        if (mm == null || mm.code().isEmpty()) {
            throw new IllegalArgumentException(javaName + ": no bytecode found for the method");
        }
        String sourceFile = cls.findAttribute(Attributes.sourceFile())
                .map(s -> s.sourceFile().stringValue())
                .orElse(null);
        Function function = new Function(entryName(method));
        CompileContext ctx = new CompileContext(
                javaName, function, method.getDeclaringClass().getClassLoader(), types.length);
        CodeAttribute code = (CodeAttribute) mm.code().get();
        int firstLine = new MethodParser(ctx, cls, mm, true, null, 0).firstLine();
        if (firstParameter > 0) {
            receiver(ctx, args.getFirst().type(), javaName, sourceFile, firstLine);
        }
        if (method.getReturnType() != void.class) {
            throw new KernelCompilationException(
                    javaName,
                    "a kernel returning `" + method.getReturnType().getSimpleName() + "`",
                    sourceFile,
                    firstLine,
                    "is not supported (kernels return void and write results into array arguments)");
        }

        // Parameters in ABI order, and the interpreter's view of each argument.
        Block entry = function.newBlock();
        ctx.builder.setBlock(entry);
        List<KernelParam> params = ctx.params;
        FrameValue[] argSlots = new FrameValue[types.length];
        boolean hasContext = false;
        int nextAccumulator = code.maxLocals();
        List<Integer> reduceArgs = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            ArrayKind ak = ARRAY_KINDS.get(t);
            if (i < firstParameter) {
                argSlots[i] = ctx.receiver;
            } else if (ak != null) {
                Temp base = function.addParameter(new PointerType(ak.element(), AddressSpace.GLOBAL), "arg" + i);
                Temp length = function.addParameter(ScalarType.I32, "arg" + i + "_length");
                params.add(new KernelParam(KernelParam.Kind.BUFFER, i, base.type()));
                params.add(new KernelParam(KernelParam.Kind.LENGTH, i, ScalarType.I32));
                ctx.parameterExprs.put(length, new IterationExpr.Length(i));
                boolean reduce = method.getParameters()[i - firstParameter].isAnnotationPresent(Reduce.class);
                FrameValue.ArrayRef ref = new FrameValue.ArrayRef(
                        i,
                        t.isArray() ? t.getName() : t.getName().replace('.', '/'),
                        base,
                        length,
                        ak.element(),
                        ak.unsigned(),
                        reduce,
                        reduce ? nextAccumulator++ : -1);
                argSlots[i] = ref;
                if (reduce) {
                    reduceArgs.add(i);
                    ctx.reductions.add(new CompileContext.Reduction(ref, function.newTemp(ak.element())));
                }
            } else if (SCALARS.containsKey(t)) {
                ScalarType st = SCALARS.get(t);
                Temp v = function.addParameter(st, "arg" + i);
                params.add(new KernelParam(KernelParam.Kind.SCALAR, i, st));
                ctx.parameterExprs.put(v, new IterationExpr.Arg(i));
                Value widened = ctx.builder.convert(
                        t == char.class ? ConversionKind.ZERO_EXTEND : ConversionKind.NUMERIC,
                        v,
                        st.isInteger() && st.bits() < 32 ? ScalarType.I32 : st);
                if (widened instanceof Temp w) {
                    ctx.parameterExprs.put(w, new IterationExpr.Arg(i));
                }
                Object known = args.get(i).specializedValue();
                if (known != null) { // specialized: the body sees the constant (local array sizes, trip counts)
                    widened = ScalarSpecialization.constantOf(
                            st.isInteger() && st.bits() < 32 ? ScalarType.I32 : st, known);
                }
                argSlots[i] = new FrameValue.Val(widened);
            } else if (t == AtomicInteger.class) {
                // TornadoVM's atomic counter argument: one int in global memory, its methods atomic operations on it
                Temp base = function.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "arg" + i);
                Temp length = function.addParameter(ScalarType.I32, "arg" + i + "_length");
                params.add(new KernelParam(KernelParam.Kind.BUFFER, i, base.type()));
                params.add(new KernelParam(KernelParam.Kind.LENGTH, i, ScalarType.I32));
                argSlots[i] = new FrameValue.ArrayRef(
                        i, Intrinsics.ATOMIC_INTEGER, base, length, ScalarType.I32, false, false, -1);
            } else if (ArrayBacked.class.isAssignableFrom(t)) {
                argSlots[i] = arrayBackedParameter(t, i, function, params, ctx, javaName, sourceFile, firstLine);
            } else if (t == KernelContext.class) {
                hasContext = true;
                argSlots[i] = new FrameValue.Context();
            } else {
                throw new KernelCompilationException(
                        javaName,
                        "a parameter of type `" + t.getName() + "`",
                        sourceFile,
                        firstLine,
                        "is not supported in kernels (use the io.squall.api.types.arrays types, primitive arrays, scalars or KernelContext)");
            }
        }

        List<ParallelLoop> loops = findParallelLoops(code, javaName, sourceFile, firstLine);
        if (!reduceArgs.isEmpty() && loops.size() != 1) {
            throw new KernelCompilationException(
                    javaName,
                    "a @Reduce argument without exactly one @Parallel loop",
                    sourceFile,
                    firstLine,
                    "is not supported in kernels");
        }
        ctx.loops.addAll(loops);

        new MethodParser(ctx, cls, mm, true, null, reduceArgs.size()).parse(argSlots);

        for (ParallelLoop loop : loops) {
            if (!loop.conditionSeen) {
                throw new KernelCompilationException(
                        javaName,
                        "a @Parallel loop not of the form `for (@Parallel int i = start; i < end; i++)`",
                        sourceFile,
                        firstLine,
                        "is not supported in kernels");
            }
        }
        for (CompileContext.Reduction r : ctx.reductions) {
            if (r.untouched()) {
                function.replaceUses(
                        Map.of(r.identityPlaceholder, identity(CompileContext.ReduceOp.SUM, r.array.element())));
                continue;
            }
            if (r.readOnly()) { // its reads see result[0] as it is: one load at the kernel's start
                Temp value = function.newTemp(r.array.element());
                entry.instructions()
                        .addFirst(new io.squall.jit.ir.Instruction.Load(value, r.array.base(), Constant.ofInt(0)));
                function.replaceUses(Map.of(r.identityPlaceholder, value));
                ctx.markRead(r.array);
                continue;
            }
            if (r.op == null) {
                throw new KernelCompilationException(
                        javaName,
                        "a @Reduce argument that the @Parallel loop never updates",
                        sourceFile,
                        firstLine,
                        "is not supported in kernels");
            }
            function.replaceUses(Map.of(r.identityPlaceholder, identity(r.op, r.array.element())));
        }

        // @Parallel loops make a loop kernel even with a KernelContext argument (TornadoVM's kernels that take one for
        // its atomics)
        Kernel.Shape shape = !loops.isEmpty()
                ? Kernel.Shape.PARALLEL_LOOPS
                : hasContext ? Kernel.Shape.KERNEL_CONTEXT : Kernel.Shape.SINGLE_THREAD;
        List<Kernel.LoopBound> bounds = new ArrayList<>();
        for (ParallelLoop loop : loops) {
            bounds.add(new Kernel.LoopBound(
                    orUnknown(ctx.expressionOf(loop.startValue)),
                    orUnknown(ctx.expressionOf(loop.endValue)),
                    loop.inclusive,
                    loop.step));
        }
        int[] required = ctx.reductions.isEmpty() ? null : new int[] {CompileContext.REDUCTION_GROUP_SIZE};
        Kernel kernel =
                new Kernel(javaName, function.name(), shape, bounds, params, ctx.access, required, function, options);
        kernel.setOperands(ctx.operands);
        List<Kernel.ReductionStart> starts = new ArrayList<>();
        for (CompileContext.Reduction r : ctx.reductions) {
            if (!r.untouched() && r.initialValue instanceof Constant c) {
                starts.add(new Kernel.ReductionStart(r.array.javaArg(), c));
            }
        }
        kernel.setReductionStarts(starts);
        return kernel;
    }

    /**
     * The receiver of an instance-method kernel: an object whose methods are inlined with it as {@code this} and whose
     * fields become operands when the kernel reads them ({@link #receiverField}).
     */
    private static FrameValue.Obj receiver(
            CompileContext ctx, Class<?> runtimeClass, String javaName, String sourceFile, int firstLine) {
        String name = runtimeClass.getName();
        if (name.startsWith("java.")
                || name.startsWith("javax.")
                || name.startsWith("jdk.")
                || name.startsWith("io.squall.api.")) {
            throw new KernelCompilationException(
                    javaName,
                    "a method of `" + name + "` as a kernel",
                    sourceFile,
                    firstLine,
                    "is not supported (kernels are static methods or methods of the program's own classes)");
        }
        ctx.receiver = new FrameValue.Obj(name.replace('.', '/'), new HashMap<>(), true);
        ctx.receiverClass = runtimeClass;
        return ctx.receiver;
    }

    /**
     * The field {@code name} of an instance-method kernel's receiver, read for the first time: an operand bound at each
     * launch to the field's value (an array or AtomicInteger as a BUFFER and LENGTH, a primitive as a SCALAR).
     */
    static FrameValue receiverField(MethodParser p, String owner, String name) {
        CompileContext ctx = p.ctx();
        Field field = ReceiverFields.find(ctx.receiverClass, name);
        String shown = "`" + owner.replace('/', '.') + "." + name + "`";
        if (field == null) {
            throw p.error(
                    "the field " + shown + " (not found in the receiver's class " + ctx.receiverClass.getName() + ")");
        }
        Class<?> t = field.getType();
        ArrayKind ak = ARRAY_KINDS.get(t);
        Function function = ctx.function;
        if (ak != null || t == AtomicInteger.class) {
            int index = ctx.addOperand(new Kernel.ReceiverField(field));
            ScalarType element = ak != null ? ak.element() : ScalarType.I32;
            Temp base = function.addParameter(new PointerType(element, AddressSpace.GLOBAL), "this_" + name);
            Temp length = function.addParameter(ScalarType.I32, "this_" + name + "_length");
            ctx.params.add(new KernelParam(KernelParam.Kind.BUFFER, index, base.type()));
            ctx.params.add(new KernelParam(KernelParam.Kind.LENGTH, index, ScalarType.I32));
            ctx.parameterExprs.put(length, new IterationExpr.Length(index));
            return ak != null
                    ? new FrameValue.ArrayRef(
                            index,
                            t.isArray() ? t.getName() : t.getName().replace('.', '/'),
                            base,
                            length,
                            element,
                            ak.unsigned(),
                            false,
                            -1)
                    : new FrameValue.ArrayRef(
                            index, Intrinsics.ATOMIC_INTEGER, base, length, ScalarType.I32, false, false, -1);
        }
        if (SCALARS.containsKey(t)) {
            int index = ctx.addOperand(new Kernel.ReceiverField(field));
            ScalarType st = SCALARS.get(t);
            Temp v = function.addParameter(st, "this_" + name);
            ctx.params.add(new KernelParam(KernelParam.Kind.SCALAR, index, st));
            ctx.parameterExprs.put(v, new IterationExpr.Arg(index));
            Value widened = v;
            if (st.isInteger() && st.bits() < 32) { // at the kernel's entry: later reads on any path reuse it
                Temp w = function.newTemp(ScalarType.I32);
                function.blocks()
                        .getFirst()
                        .instructions()
                        .addFirst(new io.squall.jit.ir.Instruction.Convert(
                                w, t == char.class ? ConversionKind.ZERO_EXTEND : ConversionKind.NUMERIC, v));
                ctx.parameterExprs.put(w, new IterationExpr.Arg(index));
                widened = w;
            }
            return new FrameValue.Val(widened);
        }
        throw p.error(
                "the field " + shown + " of type " + t.getSimpleName() + " of the task's receiver",
                "is not supported in kernels (the fields a kernel method reads may be arrays, AtomicInteger or primitives)");
    }

    /** A {@code new AtomicInteger(v)} of the kernel: a Counter operand, one int in global memory bound as BUFFER and LENGTH. */
    static FrameValue.ArrayRef counter(MethodParser p, IterationExpr initialValue) {
        CompileContext ctx = p.ctx();
        int index = ctx.addOperand(new Kernel.Counter(initialValue, p.line()));
        Temp base = ctx.function.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "counter" + index);
        Temp length = ctx.function.addParameter(ScalarType.I32, "counter" + index + "_length");
        ctx.params.add(new KernelParam(KernelParam.Kind.BUFFER, index, base.type()));
        ctx.params.add(new KernelParam(KernelParam.Kind.LENGTH, index, ScalarType.I32));
        return new FrameValue.ArrayRef(
                index, Intrinsics.ATOMIC_INTEGER, base, length, ScalarType.I32, false, false, -1);
    }

    /**
     * A matrix or vector argument (Matrix2DFloat, Float4, ...): its off-heap array field becomes the argument's BUFFER and
     * LENGTH parameters, its int fields (rows, columns, ...) FIELD parameters; the kernel sees it as an object of those
     * fields and inlines its Java methods.
     */
    private static FrameValue.Obj arrayBackedParameter(
            Class<?> t,
            int i,
            Function function,
            List<KernelParam> params,
            CompileContext ctx,
            String javaName,
            String sourceFile,
            int firstLine) {
        Map<String, FrameValue> fields = new HashMap<>();
        boolean hasBuffer = false;
        for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                ArrayKind ak = ARRAY_KINDS.get(f.getType());
                if (ak != null && !f.getType().isArray() && !hasBuffer) {
                    hasBuffer = true;
                    Temp base = function.addParameter(new PointerType(ak.element(), AddressSpace.GLOBAL), "arg" + i);
                    Temp length = function.addParameter(ScalarType.I32, "arg" + i + "_length");
                    params.add(new KernelParam(KernelParam.Kind.BUFFER, i, base.type()));
                    params.add(new KernelParam(KernelParam.Kind.LENGTH, i, ScalarType.I32));
                    ctx.parameterExprs.put(length, new IterationExpr.Length(i));
                    fields.put(
                            f.getName(),
                            new FrameValue.ArrayRef(
                                    i,
                                    f.getType().getName().replace('.', '/'),
                                    base,
                                    length,
                                    ak.element(),
                                    ak.unsigned(),
                                    false,
                                    -1));
                } else if (f.getType() == int.class) {
                    Temp v = function.addParameter(ScalarType.I32, "arg" + i + "_" + f.getName());
                    params.add(new KernelParam(KernelParam.Kind.FIELD, i, ScalarType.I32, f.getName()));
                    ctx.parameterExprs.put(v, new IterationExpr.Field(i, f.getName()));
                    fields.put(f.getName(), new FrameValue.Val(v));
                } else {
                    throw new KernelCompilationException(
                            javaName,
                            "a parameter of type `" + t.getName() + "` (its field `" + f.getName() + "` of type "
                                    + f.getType().getSimpleName() + ")",
                            sourceFile,
                            firstLine,
                            "is not supported in kernels");
                }
            }
        }
        return new FrameValue.Obj(t.getName().replace('.', '/'), fields, true);
    }

    /** Whether the method has a @Parallel loop (read from its bytecode's type annotations). */
    public static boolean hasParallelLoops(Method method) {
        ClassModel cls = ClassModels.load(
                method.getDeclaringClass().getName().replace('.', '/'),
                method.getDeclaringClass().getClassLoader());
        MethodModel mm = ClassModels.find(cls, method.getName(), TaskDescriptor.of(method));
        if (mm == null || mm.code().isEmpty()) {
            return false;
        }
        CodeAttribute code = (CodeAttribute) mm.code().get();
        return !ParallelScanner.variables(code, code::labelToBci).isEmpty();
    }

    private static IterationExpr orUnknown(IterationExpr e) {
        return e != null ? e : new IterationExpr.Unknown();
    }

    private static Constant identity(CompileContext.ReduceOp op, ScalarType t) {
        return switch (op) {
            case SUM -> Constant.zero(t);
            case PRODUCT ->
                switch (t) {
                    case F32, F64 -> Constant.ofFloating(t, 1.0);
                    case I64 -> Constant.ofLong(1L);
                    default -> Constant.ofInteger(t, 1);
                };
            case MAX ->
                switch (t) {
                    case F32, F64 -> Constant.ofFloating(t, Double.NEGATIVE_INFINITY);
                    case I64 -> Constant.ofLong(Long.MIN_VALUE);
                    default -> Constant.ofInteger(t, Integer.MIN_VALUE);
                };
            case MIN ->
                switch (t) {
                    case F32, F64 -> Constant.ofFloating(t, Double.POSITIVE_INFINITY);
                    case I64 -> Constant.ofLong(Long.MAX_VALUE);
                    default -> Constant.ofInteger(t, Integer.MAX_VALUE);
                };
        };
    }

    /** @Parallel loop indices ({@link ParallelScanner}); nesting depth gives the dimension (outermost 0). */
    private static List<ParallelLoop> findParallelLoops(
            CodeAttribute code, String javaName, String sourceFile, int line) {
        List<ParallelScanner.Variable> ranges = new ArrayList<>(ParallelScanner.variables(code, code::labelToBci));
        ranges.sort((a, b) -> Integer.compare(a.start(), b.start()));
        List<ParallelLoop> loops = new ArrayList<>();
        for (ParallelScanner.Variable r : ranges) {
            int depth = 0;
            for (ParallelScanner.Variable o : ranges) {
                if (o != r && r.within(o)) {
                    depth++;
                }
            }
            if (depth >= 3) {
                continue; // beyond three dimensions the loop runs sequentially in each work-item
            }
            for (ParallelLoop l : loops) {
                if (l.dimension == depth) {
                    throw new KernelCompilationException(
                            javaName,
                            "two @Parallel loops at the same nesting level",
                            sourceFile,
                            line,
                            "are not supported in one kernel (split them into two tasks)");
                }
            }
            loops.add(new ParallelLoop(r.slot(), r.start(), loopEnd(code, r.start(), r.end()), depth));
        }
        return loops;
    }

    /**
     * Where a @Parallel loop ends: after the last backward branch to its head (the first loop head in the variable's
     * range). The variable may live on after its loop ({@code @Parallel int i = 0; for (; i < n; i++) {...} if (i == k)});
     * the code after the loop then reads the index each work-item left it with, as in TornadoVM.
     */
    private static int loopEnd(CodeAttribute code, int start, int end) {
        int head = Integer.MAX_VALUE;
        int loopEnd = -1;
        for (int pass = 0; pass < 2; pass++) {
            int at = 0;
            for (java.lang.classfile.CodeElement e : code.elementList()) {
                if (e instanceof java.lang.classfile.Instruction ins) {
                    if (ins instanceof java.lang.classfile.instruction.BranchInstruction br
                            && at >= start
                            && at < end) {
                        int target = code.labelToBci(br.target());
                        if (target >= start && target <= at) {
                            if (pass == 0) {
                                head = Math.min(head, target);
                            } else if (target == head) {
                                loopEnd = at + ins.sizeInBytes();
                            }
                        }
                    }
                    at += ins.sizeInBytes();
                }
            }
        }
        return loopEnd > 0 ? Math.min(loopEnd, end) : end;
    }

    /** A C/PTX identifier for the entry point: Outer$Inner.method -> Outer_Inner_method. */
    static String entryName(Method m) {
        String raw = m.getDeclaringClass().getSimpleName().isEmpty()
                ? m.getDeclaringClass().getName()
                : m.getDeclaringClass().getName();
        raw = raw.substring(raw.lastIndexOf('.') + 1) + "_" + m.getName();
        StringBuilder sb = new StringBuilder();
        for (char c : raw.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return sb.toString();
    }
}
