package io.squall.jit.frontend;

import io.squall.api.enums.MMAShape;
import io.squall.jit.frontend.FrameValue.ArrayRef;
import io.squall.jit.frontend.FrameValue.Context;
import io.squall.jit.frontend.FrameValue.NewArray;
import io.squall.jit.frontend.FrameValue.Obj;
import io.squall.jit.frontend.FrameValue.PendingCompare;
import io.squall.jit.frontend.FrameValue.Val;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Value;

import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Calls and field accesses that compile to IR operations instead of being inlined. */
final class Intrinsics {
    static final String HALF_FLOAT = "io/squall/api/types/HalfFloat";
    private static final String MMA_SHAPE = "io/squall/api/enums/MMAShape";
    static final String KERNEL_CONTEXT = "io/squall/api/KernelContext";
    static final String ARRAYS = "io/squall/api/types/arrays/";
    static final String TORNADO_MATH = "io/squall/api/math/TornadoMath";
    static final String ATOMIC_INTEGER = "java/util/concurrent/atomic/AtomicInteger";
    /** Vector, matrix and collection types whose Java methods kernels inline (their arrays become private arrays). */
    private static final List<String> VALUE_TYPES =
            List.of("io/squall/api/types/vectors/", "io/squall/api/types/matrix/", "io/squall/api/types/collections/");

    static boolean isValueType(String internalName) {
        return VALUE_TYPES.stream().anyMatch(internalName::startsWith);
    }

    private static final Map<String, MathFunction> MATH = Map.ofEntries(
            Map.entry("exp", MathFunction.EXP),
            Map.entry("log", MathFunction.LOG),
            Map.entry("log2", MathFunction.LOG2),
            Map.entry("sqrt", MathFunction.SQRT),
            Map.entry("rsqrt", MathFunction.RSQRT),
            Map.entry("pow", MathFunction.POW),
            Map.entry("sin", MathFunction.SIN),
            Map.entry("cos", MathFunction.COS),
            Map.entry("tan", MathFunction.TAN),
            Map.entry("atan", MathFunction.ATAN),
            Map.entry("atan2", MathFunction.ATAN2),
            Map.entry("tanh", MathFunction.TANH),
            Map.entry("min", MathFunction.MIN),
            Map.entry("max", MathFunction.MAX),
            Map.entry("abs", MathFunction.ABS),
            Map.entry("floor", MathFunction.FLOOR),
            Map.entry("ceil", MathFunction.CEIL),
            Map.entry("fma", MathFunction.FMA),
            Map.entry("clamp", MathFunction.CLAMP),
            Map.entry("signum", MathFunction.SIGNUM));

    private Intrinsics() {}

    /** The operand-stack type of a Java type (sub-int types widen to i32, HalfFloat is f16); null for other references. */
    static ScalarType stackType(ClassDesc d) {
        return switch (d.descriptorString()) {
            case "I", "Z", "B", "S", "C" -> ScalarType.I32;
            case "J" -> ScalarType.I64;
            case "F" -> ScalarType.F32;
            case "D" -> ScalarType.F64;
            case "L" + HALF_FLOAT + ";" -> ScalarType.F16;
            default -> null;
        };
    }

    // ------------------------------------------------------------------ fields

    static void field(MethodParser p, FieldInstruction f) {
        String owner = f.owner().asInternalName();
        String name = f.name().stringValue();
        FrameState s = p.state();
        switch (f.opcode()) {
            case GETFIELD -> {
                FrameValue receiver = s.pop();
                if (receiver instanceof Context) {
                    s.push(new Val(workItemField(p, name)));
                    return;
                }
                if (receiver instanceof Obj o) {
                    FrameValue v = o.fields().get(name);
                    if (v == null && o == p.ctx().receiver) { // the task's receiver: its field becomes an operand
                        v = KernelFrontend.receiverField(p, owner, name);
                        o.fields().put(name, v);
                    }
                    if (v == null) {
                        throw p.error(
                                "a read of the field `" + owner.replace('/', '.') + "." + name + "` before it is set");
                    }
                    s.push(v);
                    return;
                }
                throw p.error(
                        "the field read `" + owner.replace('/', '.') + "." + name + "` of an object",
                        "is not supported in kernels (pass the value as a scalar argument)");
            }
            case GETSTATIC ->
                s.push(new Val(
                        owner.equals(MMA_SHAPE) // the shape argument of the mma* calls, checked where it is used
                                ? Constant.ofInt(MMAShape.valueOf(name).ordinal())
                                : staticConstant(p, owner, name)));
            case PUTFIELD -> {
                FrameValue value = s.pop();
                FrameValue receiver = s.pop();
                if (receiver instanceof Obj o && !o.argument() && !o.fields().containsKey(name)) {
                    o.fields().put(name, value instanceof PendingCompare ? new Val(p.valueOf(value)) : value);
                    return;
                }
                throw p.error(
                        "the field write `" + owner.replace('/', '.') + "." + name + "`",
                        "is not supported in kernels (only a constructor of a vector type sets its fields, once)");
            }
            default ->
                throw p.error(
                        "the field write `" + owner.replace('/', '.') + "." + name + "`",
                        "is not supported in kernels (write results into an array argument)");
        }
    }

    private static Value workItemField(MethodParser p, String name) {
        IrBuilder b = p.builder();
        int dim = switch (name.charAt(name.length() - 1)) {
            case 'x', 'X' -> 0;
            case 'y', 'Y' -> 1;
            case 'z', 'Z' -> 2;
            default -> throw p.error("the KernelContext field " + name);
        };
        String base = name.substring(0, name.length() - 1);
        WorkItemQuery q = switch (base) {
            case "globalId" -> WorkItemQuery.GLOBAL_ID;
            case "localId" -> WorkItemQuery.LOCAL_ID;
            case "groupId" -> WorkItemQuery.GROUP_ID;
            case "localGroupSize" -> WorkItemQuery.LOCAL_SIZE;
            case "globalGroupSize" -> WorkItemQuery.GLOBAL_SIZE;
            default -> throw p.error("the KernelContext field " + name);
        };
        return b.workItem(q, dim);
    }

    /** A static final primitive field: its value, folded in (the class is initialized to read it). */
    private static Value staticConstant(MethodParser p, String owner, String name) {
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), true, p.ctx().loader);
            Field field = findField(c, name);
            if (field != null
                    && Modifier.isStatic(field.getModifiers())
                    && Modifier.isFinal(field.getModifiers())
                    && field.getType().isPrimitive()) {
                field.setAccessible(true);
                Object v = field.get(null);
                return switch (v) {
                    case Integer i -> Constant.ofInt(i);
                    case Short sh -> Constant.ofInt(sh);
                    case Byte by -> Constant.ofInt(by);
                    case Character ch -> Constant.ofInt(ch);
                    case Boolean bo -> Constant.ofInt(bo ? 1 : 0);
                    case Long l -> Constant.ofLong(l);
                    case Float fl -> Constant.ofFloat(fl);
                    case Double d -> Constant.ofDouble(d);
                    default -> throw new IllegalStateException();
                };
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // reported below
        }
        throw p.error(
                "the static field `" + owner.replace('/', '.') + "." + name + "`",
                "is not supported in kernels (only static final primitive constants are; pass other values as arguments)");
    }

    private static Field findField(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    return f;
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ calls

    static void invoke(MethodParser p, InvokeInstruction inv) {
        String owner = inv.owner().asInternalName();
        String name = inv.name().stringValue();
        MethodTypeDesc type = inv.typeSymbol();
        String shown = owner.replace('/', '.') + "." + name;
        if (inv.opcode() != Opcode.INVOKESTATIC) { // calls on vector/matrix objects and their constructors
            FrameValue receiver = receiverOf(p, type);
            if (receiver instanceof Val v && VectorOps.isVector(v)) {
                VectorOps.invokeOnVector(p, v, name, type, shown);
                return;
            }
            if (receiver instanceof Obj o) {
                if (name.equals("<init>") && owner.equals("java/lang/Object")) {
                    p.state().pop();
                } else {
                    // the receiver's exact class is known: a virtual call resolves from it
                    inlineMethod(p, o, inv.opcode() == Opcode.INVOKESPECIAL ? owner : o.className(), name, type, shown);
                }
                return;
            }
            if (receiver instanceof NewArray na && name.equals("<init>")) {
                if (na.className().equals(ATOMIC_INTEGER)) {
                    constructCounter(p, na, type, shown);
                } else {
                    constructArray(p, na, type, shown);
                }
                return;
            }
        }
        switch (inv.opcode()) {
            case INVOKESTATIC -> invokeStatic(p, owner, name, type, shown);
            case INVOKEVIRTUAL -> {
                if (owner.startsWith(ARRAYS)) {
                    arrayMethod(p, owner, name, type, shown);
                } else if (owner.equals(KERNEL_CONTEXT)) {
                    contextMethod(p, name, type, shown);
                } else if (owner.equals(HALF_FLOAT)) {
                    halfMethod(p, name, shown);
                } else if (owner.equals(ATOMIC_INTEGER)) {
                    atomicIntegerMethod(p, name, type, shown);
                } else {
                    throw p.error("the virtual call `" + shown + "`");
                }
            }
            case INVOKESPECIAL -> {
                if (owner.equals(HALF_FLOAT)
                        && name.equals("<init>")
                        && type.descriptorString().equals("(F)V")) {
                    Value f = p.valueOf(p.state().pop());
                    FrameValue receiver = p.state().pop();
                    Val half = new Val(p.builder().convert(ConversionKind.NUMERIC, f, ScalarType.F16));
                    p.state().replace(receiver, half);
                    return;
                }
                if (owner.equals(HALF_FLOAT)
                        && name.equals("<init>")
                        && type.descriptorString().equals("(S)V")) {
                    // TornadoVM's HalfFloat(short): the raw binary16 bits
                    Value bits = p.builder()
                            .convert(ConversionKind.NUMERIC, p.valueOf(p.state().pop()), ScalarType.I16);
                    FrameValue receiver = p.state().pop();
                    p.state()
                            .replace(
                                    receiver,
                                    new Val(p.builder().convert(ConversionKind.BITCAST, bits, ScalarType.F16)));
                    return;
                }
                throw p.error(
                        name.equals("<init>")
                                ? "object allocation `new " + owner.replace('/', '.') + "`"
                                : "the instance method call `" + shown + "`");
            }
            default -> throw p.error("the interface call `" + shown + "`");
        }
    }

    /** The receiver of an instance call: the stack entry below its arguments. */
    private static FrameValue receiverOf(MethodParser p, MethodTypeDesc type) {
        List<FrameValue> stack = p.state().stack;
        int at = stack.size() - 1 - type.parameterCount();
        return at >= 0 ? stack.get(at) : null;
    }

    /** A method (or constructor) of a vector or matrix object, inlined with the object as {@code this}. */
    private static void inlineMethod(
            MethodParser p, Obj o, String start, String name, MethodTypeDesc type, String shown) {
        for (String cls = start; cls != null; ) {
            ClassModel model = p.ctx().classModel(cls);
            MethodModel m = ClassModels.find(model, name, type.descriptorString());
            if (m != null) {
                if (m.code().isEmpty()) {
                    throw p.error("the method `" + shown + "`", "has no bytecode to compile");
                }
                p.inline(model, m, type.insertParameterTypes(0, ClassDesc.ofInternalName(cls)));
                return;
            }
            cls = model.superclass()
                    .map(c -> c.asInternalName())
                    .filter(c -> isValueType(c) || (o == p.ctx().receiver && !c.equals("java/lang/Object")))
                    .orElse(null);
        }
        throw p.error(
                "the method `" + shown + "`",
                "(not found in " + o.className().replace('/', '.') + " or its superclasses)");
    }

    /** {@code new FloatArray(n)} in a kernel (a vector type's storage): a private array of the constant size n. */
    private static void constructArray(MethodParser p, NewArray na, MethodTypeDesc type, String shown) {
        if (!type.descriptorString().equals("(I)V")) {
            throw p.error(
                    "the constructor `" + shown + type.descriptorString() + "`",
                    "(only `new " + na.className() + "(size)` is supported in kernels)");
        }
        Value count = p.valueOf(p.state().pop());
        p.state().pop();
        if (!(count instanceof Constant c) || c.longValue() <= 0 || c.longValue() > MethodParser.MAX_PRIVATE_ARRAY) {
            throw p.error("`new " + na.className().replace('/', '.') + "(n)` whose size is not a constant from 1 to "
                    + MethodParser.MAX_PRIVATE_ARRAY);
        }
        KernelFrontend.ArrayKind kind = KernelFrontend.arrayKindOf(na.className());
        p.state().replace(na, p.privateArray(kind.element(), kind.unsigned(), na.className(), (int) c.longValue()));
    }

    /**
     * {@code new AtomicInteger(v)} in a kernel (TornadoVM's semantics): one counter in global memory shared by every
     * work-item, set to v before each launch (v a function of the arguments), its methods atomic operations on it.
     */
    private static void constructCounter(MethodParser p, NewArray na, MethodTypeDesc type, String shown) {
        Value initial = switch (type.descriptorString()) {
            case "(I)V" -> p.valueOf(p.state().pop());
            case "()V" -> Constant.ofInt(0);
            default -> throw p.error("the constructor `" + shown + type.descriptorString() + "`");
        };
        p.state().pop();
        io.squall.jit.IterationExpr value = p.ctx().expressionOf(initial);
        if (value == null) {
            throw p.error(
                    "`new AtomicInteger(v)` whose v is not computed from the kernel's arguments",
                    "is not supported in kernels (its value is set before the launch: use a constant, a scalar argument, an array's size or arithmetic on them)");
        }
        p.state().replace(na, KernelFrontend.counter(p, value));
    }

    private static List<Value> popArgs(MethodParser p, int n) {
        Value[] a = new Value[n];
        for (int i = n - 1; i >= 0; i--) {
            a[i] = p.valueOf(p.state().pop());
        }
        return new ArrayList<>(List.of(a));
    }

    private static void invokeStatic(MethodParser p, String owner, String name, MethodTypeDesc type, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        if (VectorOps.invokeStatic(p, owner, name, type, shown)) {
            return;
        }
        switch (owner) {
            case "io/squall/api/math/TornadoMath", "java/lang/Math", "java/lang/StrictMath" -> {
                if (name.equals("floatPI")) {
                    s.push(new Val(Constant.ofFloat((float) Math.PI)));
                    return;
                }
                if (name.equals("PI")) {
                    s.push(new Val(Constant.ofDouble(Math.PI)));
                    return;
                }
                if (derivedMath(p, name, type)) {
                    return;
                }
                MathFunction fn = MATH.get(name);
                if (owner.equals(TORNADO_MATH) && (fn == null || !onlyIntFloatDouble(type))) {
                    // TornadoMath's other functions (fract, sinpi, asinh, the byte/short/long/HalfFloat overloads) are
                    // plain Java over the mapped ones: inlining keeps Java's result types (abs((byte) -128) == -128)
                    ClassModel cls = p.ctx().classModel(owner);
                    MethodModel m = ClassModels.find(cls, name, type.descriptorString());
                    if (m == null) {
                        throw p.error("the math function `" + shown + "`");
                    }
                    p.inline(cls, m, type);
                    return;
                }
                if (fn == null || fn.arity() != type.parameterCount()) {
                    throw p.error("the math function `" + shown + "`");
                }
                s.push(new Val(b.math(fn, popArgs(p, fn.arity()))));
            }
            case "java/lang/Float", "java/lang/Double" -> floatStatic(p, owner, name, shown);
            case "java/lang/Integer", "java/lang/Long" -> {
                MathFunction fn = switch (name) {
                    case "min" -> MathFunction.MIN;
                    case "max" -> MathFunction.MAX;
                    default -> null;
                };
                if (fn == null) {
                    throw p.error("the library call `" + shown + "`");
                }
                s.push(new Val(b.math(fn, popArgs(p, 2))));
            }
            case HALF_FLOAT -> halfStatic(p, name, shown);
            default -> {
                if (owner.startsWith("java/")
                        || owner.startsWith("javax/")
                        || owner.startsWith("jdk/")
                        || owner.startsWith("sun/")
                        || (owner.startsWith("io/squall/api/") && !isValueType(owner))) {
                    throw p.error("the library call `" + shown + "`");
                }
                ClassModel cls = owner.equals(p.owner().thisClass().asInternalName())
                        ? p.owner()
                        : p.ctx().classModel(owner);
                MethodModel m = ClassModels.find(cls, name, type.descriptorString());
                while (m == null
                        && isValueType(owner)
                        && cls.superclass().isPresent()
                        && isValueType(cls.superclass().get().asInternalName())) {
                    cls = p.ctx().classModel(cls.superclass().get().asInternalName()); // toRowMajor of Matrix2DType
                    m = ClassModels.find(cls, name, type.descriptorString());
                }
                if (m == null) {
                    throw p.error(
                            "the call to `" + shown
                                    + "` (not declared in that class; inherited static methods must be called on their own class)");
                }
                p.inline(cls, m, type);
            }
        }
    }

    private static boolean onlyIntFloatDouble(MethodTypeDesc type) {
        String d = type.descriptorString();
        return d.chars().allMatch(c -> c == 'I' || c == 'F' || c == 'D' || c == '(' || c == ')');
    }

    /**
     * Math functions written with the mapped ones, so every backend has them: asin(x) = atan2(x, sqrt(1 - x*x)),
     * acos(x) = atan2(sqrt(1 - x*x), x) (NaN outside [-1, 1], as Java), toRadians/toDegrees as products.
     */
    private static boolean derivedMath(MethodParser p, String name, MethodTypeDesc type) {
        if (type.parameterCount() != 1
                || !(name.equals("asin")
                        || name.equals("acos")
                        || name.equals("toRadians")
                        || name.equals("toDegrees"))) {
            return false;
        }
        IrBuilder b = p.builder();
        Value x = p.valueOf(p.state().pop());
        boolean single = x.type() == ScalarType.F32;
        Value one = single ? Constant.ofFloat(1f) : Constant.ofDouble(1.0);
        Value r = switch (name) {
            case "toRadians" ->
                b.binary(
                        BinaryOperator.MUL,
                        x,
                        single ? Constant.ofFloat((float) (Math.PI / 180)) : Constant.ofDouble(Math.PI / 180));
            case "toDegrees" ->
                b.binary(
                        BinaryOperator.MUL,
                        x,
                        single ? Constant.ofFloat((float) (180 / Math.PI)) : Constant.ofDouble(180 / Math.PI));
            default -> {
                Value root = b.math(
                        MathFunction.SQRT,
                        List.of(b.binary(BinaryOperator.SUB, one, b.binary(BinaryOperator.MUL, x, x))));
                yield name.equals("asin")
                        ? b.math(MathFunction.ATAN2, List.of(x, root))
                        : b.math(MathFunction.ATAN2, List.of(root, x));
            }
        };
        p.state().push(new Val(r));
        return true;
    }

    private static void floatStatic(MethodParser p, String owner, String name, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        Value v;
        switch (name) {
            case "floatToRawIntBits" -> v = b.convert(ConversionKind.BITCAST, p.valueOf(s.pop()), ScalarType.I32);
            case "doubleToRawLongBits" -> v = b.convert(ConversionKind.BITCAST, p.valueOf(s.pop()), ScalarType.I64);
            case "intBitsToFloat" -> v = b.convert(ConversionKind.BITCAST, p.valueOf(s.pop()), ScalarType.F32);
            case "longBitsToDouble" -> v = b.convert(ConversionKind.BITCAST, p.valueOf(s.pop()), ScalarType.F64);
            case "floatToIntBits" -> { // canonical NaN, as Java specifies
                Value x = p.valueOf(s.pop());
                Value nan = b.compare(Predicate.NE, true, x, x);
                v = b.select(nan, Constant.ofInt(0x7fc00000), b.convert(ConversionKind.BITCAST, x, ScalarType.I32));
            }
            case "floatToFloat16" -> {
                Value half = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.F16);
                v = b.convert(
                        ConversionKind.NUMERIC,
                        b.convert(ConversionKind.BITCAST, half, ScalarType.I16),
                        ScalarType.I32);
            }
            case "float16ToFloat" -> {
                Value bits = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.I16);
                v = b.convert(
                        ConversionKind.NUMERIC,
                        b.convert(ConversionKind.BITCAST, bits, ScalarType.F16),
                        ScalarType.F32);
            }
            case "isNaN" -> {
                Value x = p.valueOf(s.pop());
                v = b.select(b.compare(Predicate.NE, true, x, x), Constant.ofInt(1), Constant.ofInt(0));
            }
            case "min", "max" -> v = b.math(name.equals("min") ? MathFunction.MIN : MathFunction.MAX, popArgs(p, 2));
            default -> throw p.error("the library call `" + shown + "`");
        }
        s.push(new Val(v));
    }

    private static void halfStatic(MethodParser p, String name, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        switch (name) {
            case "add", "sub", "mult", "div" -> {
                Value y = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.F32);
                Value x = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.F32);
                BinaryOperator op = switch (name) {
                    case "add" -> BinaryOperator.ADD;
                    case "sub" -> BinaryOperator.SUB;
                    case "mult" -> BinaryOperator.MUL;
                    default -> BinaryOperator.DIV;
                };
                s.push(new Val(b.convert(ConversionKind.NUMERIC, b.binary(op, x, y), ScalarType.F16)));
            }
            case "toFloat" -> {
                Value bits = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.I16);
                s.push(new Val(b.convert(
                        ConversionKind.NUMERIC,
                        b.convert(ConversionKind.BITCAST, bits, ScalarType.F16),
                        ScalarType.F32)));
            }
            case "toHalf" -> {
                Value half = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.F16);
                s.push(new Val(b.convert(
                        ConversionKind.NUMERIC,
                        b.convert(ConversionKind.BITCAST, half, ScalarType.I16),
                        ScalarType.I32)));
            }
            case "fromBits" -> {
                Value bits = b.convert(ConversionKind.NUMERIC, p.valueOf(s.pop()), ScalarType.I16);
                s.push(new Val(b.convert(ConversionKind.BITCAST, bits, ScalarType.F16)));
            }
            default -> throw p.error("the HalfFloat method `" + shown + "`");
        }
    }

    private static void halfMethod(MethodParser p, String name, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        Value h = p.valueOf(s.pop());
        switch (name) {
            case "getFloat32" -> s.push(new Val(b.convert(ConversionKind.NUMERIC, h, ScalarType.F32)));
            case "getHalfFloatValue" ->
                s.push(new Val(b.convert(
                        ConversionKind.NUMERIC, b.convert(ConversionKind.BITCAST, h, ScalarType.I16), ScalarType.I32)));
            default -> throw p.error("the HalfFloat method `" + shown + "`");
        }
    }

    private static void arrayMethod(MethodParser p, String owner, String name, MethodTypeDesc type, String shown) {
        FrameState s = p.state();
        switch (name
                + type.descriptorString().substring(0, type.descriptorString().indexOf(')') + 1)) {
            case "getSize()" -> {
                ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
                s.push(new Val(a.length()));
            }
            case "get(I)", "getFloat(I)" -> {
                Value index = p.valueOf(s.pop());
                ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
                p.arrayLoad(a, index, name.equals("getFloat"));
            }
            case "getShort(I)", "getInt(I)", "getLong(I)" -> {
                if (!owner.equals(ARRAYS + "ByteArray")) {
                    throw p.error(
                            "the array method `" + shown + "`",
                            "is not supported in kernels (use get, set and getSize)");
                }
                Value offset = p.valueOf(s.pop());
                ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
                ScalarType t = switch (name) {
                    case "getShort" -> ScalarType.I16;
                    case "getInt" -> ScalarType.I32;
                    default -> ScalarType.I64;
                };
                if (offset instanceof Constant c && c.longValue() % t.bytes() != 0) {
                    throw p.error(
                            "`" + shown + "` at byte offset " + c.longValue(),
                            "is misaligned (a " + t.bytes() + "-byte read needs an offset that is a multiple of "
                                    + t.bytes() + ")");
                }
                p.ctx().markRead(a);
                Value v = p.builder().loadBytes(t, a.base(), offset);
                s.push(new Val(
                        t == ScalarType.I16 ? p.builder().convert(ConversionKind.NUMERIC, v, ScalarType.I32) : v));
            }
            default -> {
                if (name.equals("set") || name.equals("setFloat")) {
                    Value value = p.valueOf(s.pop());
                    Value index = p.valueOf(s.pop());
                    ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
                    p.arrayStore(a, index, value);
                    return;
                }
                throw p.error(
                        "the array method `" + shown + "`", "is not supported in kernels (use get, set and getSize)");
            }
        }
    }

    /**
     * An AtomicInteger argument's methods: one atomic add on its int in global memory (the previous value, adjusted for
     * the *AndGet forms); {@code get} reads it.
     */
    private static void atomicIntegerMethod(MethodParser p, String name, MethodTypeDesc type, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        Value delta = switch (name) {
            case "incrementAndGet", "getAndIncrement" -> Constant.ofInt(1);
            case "decrementAndGet", "getAndDecrement" -> Constant.ofInt(-1);
            case "addAndGet", "getAndAdd" -> p.valueOf(s.pop());
            case "get", "intValue" -> null;
            default ->
                throw p.error(
                        "the AtomicInteger method `" + shown + "`",
                        "is not supported in kernels (incrementAndGet, getAndIncrement, decrementAndGet, getAndDecrement, addAndGet, getAndAdd, get are)");
        };
        ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
        if (a.javaArg() < 0 || !a.typeName().equals(ATOMIC_INTEGER)) {
            throw p.error("`" + shown + "` on something other than an AtomicInteger argument or counter");
        }
        p.ctx().markRead(a);
        if (delta == null) {
            s.push(new Val(b.load(a.base(), Constant.ofInt(0))));
            return;
        }
        p.ctx().markWrite(a);
        Value previous = b.atomic(AtomicOperator.ADD, a.base(), Constant.ofInt(0), delta);
        s.push(new Val(name.startsWith("getAnd") ? previous : b.binary(BinaryOperator.ADD, previous, delta)));
    }

    private static FrameValue requireArray(MethodParser p, FrameValue s, String shown) {
        if (s instanceof ArrayRef) {
            return s;
        }
        throw p.error("`" + shown + "` on something other than a kernel array argument");
    }

    private static void contextMethod(MethodParser p, String name, MethodTypeDesc type, String shown) {
        IrBuilder b = p.builder();
        FrameState s = p.state();
        switch (name) {
            case "localBarrier", "globalBarrier" -> {
                s.pop();
                b.barrier(name.equals("localBarrier") ? BarrierScope.LOCAL : BarrierScope.GLOBAL);
            }
            case "allocateFloatLocalArray",
                    "allocateIntLocalArray",
                    "allocateLongLocalArray",
                    "allocateDoubleLocalArray",
                    "allocateHalfFloatLocalArray",
                    "allocateByteLocalArray" -> {
                Value n = p.valueOf(s.pop());
                s.pop();
                if (!(n instanceof Constant c) || c.longValue() <= 0) {
                    throw p.error(
                            "a local array whose size is not a positive compile-time constant",
                            "is not supported in kernels (use a literal or a static final int)");
                }
                ScalarType t = switch (name) {
                    case "allocateFloatLocalArray" -> ScalarType.F32;
                    case "allocateIntLocalArray" -> ScalarType.I32;
                    case "allocateLongLocalArray" -> ScalarType.I64;
                    case "allocateDoubleLocalArray" -> ScalarType.F64;
                    case "allocateByteLocalArray" -> ScalarType.I8;
                    default -> ScalarType.F16;
                };
                String javaType = switch (t) {
                    case F32 -> "[F";
                    case I32 -> "[I";
                    case I64 -> "[J";
                    case F64 -> "[D";
                    case I8 -> "[B";
                    default -> "[L" + HALF_FLOAT + ";";
                };
                s.push(new ArrayRef(-1, javaType, b.localArray(t, (int) c.longValue()), c, t, false, false, -1));
            }
            case "getSubGroupLocalId", "getSubGroupSize" -> {
                s.pop();
                SubGroupOperation op =
                        name.equals("getSubGroupSize") ? SubGroupOperation.SIZE : SubGroupOperation.LOCAL_ID;
                s.push(new Val(b.subGroup(op, ScalarType.I32, List.of())));
            }
            case "subGroupReduceAdd",
                    "subGroupReduceMax",
                    "subGroupReduceMin",
                    "subGroupShuffle",
                    "subGroupShuffleXor",
                    "subGroupBroadcast" -> {
                List<Value> args = popArgs(p, type.parameterCount());
                s.pop();
                SubGroupOperation op = switch (name) {
                    case "subGroupReduceAdd" -> SubGroupOperation.REDUCE_ADD;
                    case "subGroupReduceMax" -> SubGroupOperation.REDUCE_MAX;
                    case "subGroupReduceMin" -> SubGroupOperation.REDUCE_MIN;
                    case "subGroupShuffle" -> SubGroupOperation.SHUFFLE;
                    case "subGroupShuffleXor" -> SubGroupOperation.SHUFFLE_XOR;
                    default -> SubGroupOperation.BROADCAST;
                };
                s.push(new Val(b.subGroup(op, (ScalarType) args.getFirst().type(), args)));
            }
            case "atomicAdd" -> {
                Value value = p.valueOf(s.pop());
                Value index = p.valueOf(s.pop());
                ArrayRef a = (ArrayRef) requireArray(p, s.pop(), shown);
                s.pop();
                p.ctx().markRead(a);
                p.ctx().markWrite(a);
                s.push(new Val(b.atomic(AtomicOperator.ADD, a.base(), index, value)));
            }
            // TornadoVM's SIMD-group operations: over warps of exactly 32 work-items, lowered by the PTX code
            // generator (shfl.sync) and rejected by name by the others
            case "simdSum", "simdShuffleDown", "simdBroadcastFirst" -> {
                List<Value> args = popArgs(p, type.parameterCount());
                s.pop();
                SubGroupOperation op = switch (name) {
                    case "simdSum" -> SubGroupOperation.WARP_SUM;
                    case "simdShuffleDown" -> SubGroupOperation.WARP_SHUFFLE_DOWN;
                    default -> SubGroupOperation.WARP_BROADCAST_FIRST;
                };
                s.push(new Val(b.subGroup(op, ScalarType.F32, args)));
            }
            // The tensor-core API: fragments in private arrays, one warp-collective instruction (the cp.async copies
            // and mmaStoreBSwizzled are plain Java and are inlined below)
            case String m when MmaLowering.handles(m) -> MmaLowering.lower(p, name, type);
            // Metal's SIMD-group matrices (TornadoVM's simdgroupMatrix*): objects shared by a SIMD group, run by the
            // JVM backend only
            case "matrixMultiply8x8",
                    "simdgroupMatrixZero",
                    "simdgroupMatrixLoad",
                    "simdgroupMatrixMultiplyAccumulate",
                    "simdgroupMatrixStore" ->
                throw p.error(
                        "the KernelContext method `" + shown + "`",
                        "is not supported by the OpenCL, PTX and SPIR-V code generators yet: Metal's SIMD-group"
                                + " matrices (simdgroupMatrix*) run on the JVM backend only (-Dsquall.device=jvm)");
            default -> {
                // KernelContext's helpers written in Java (the swizzled tile accessors): inlined with the context as
                // `this`
                ClassModel cls = p.ctx().classModel(KERNEL_CONTEXT);
                MethodModel m = ClassModels.find(cls, name, type.descriptorString());
                if (m == null || m.code().isEmpty()) {
                    throw p.error("the KernelContext method `" + shown + "`");
                }
                p.inline(cls, m, type.insertParameterTypes(0, ClassDesc.ofInternalName(KERNEL_CONTEXT)));
            }
        }
    }
}
