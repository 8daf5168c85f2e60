package io.squall.backend.jvm.driver;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a loop-parallel kernel runnable by several workers: finds the outermost {@code @Parallel} loop
 * (from the RuntimeVisibleTypeAnnotations of the method's Code attribute) and generates a copy of the method
 * with two extra int parameters {@code (worker, workers)} in which that loop only visits the worker's share.
 * The copy is defined as an ordinary class in the kernel's package, so its frames (and the kernel's source lines) appear
 * in stack traces; when it touches private members of the kernel's nest it is a hidden nestmate instead, which keeps
 * them callable but whose frames traces leave out.
 *
 * <p>Only a loop of the shape javac emits for {@code for (@Parallel int i = init; i < bound (or <=); i += c)}
 * is split, and only when splitting cannot change the result: no other exits from the loop, no writes to
 * memory or calls with effects outside it, not nested in a sequential loop. The split is blocked
 * (contiguous ranges, via {@link LoopSplit}) when the bound is a loop-invariant expression, else cyclic.
 * Anything else is reported as a {@link Result.Sequential} with the reason, and runs sequentially.
 */
final class ParallelLoopTransformer {
    private static final ClassDesc PARALLEL = ClassDesc.of("io.squall.api.annotations.Parallel");
    private static final ClassDesc LOOP_SPLIT = ClassDesc.of(LoopSplit.class.getName());
    private static final MethodTypeDesc SPLIT_TYPE = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int,
            ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_boolean, ConstantDescs.CD_int, ConstantDescs.CD_int);

    sealed interface Result {
        /** {@code handle} has the kernel's parameters followed by {@code int worker, int workers}. */
        record Parallel(MethodHandle handle, String description) implements Result {
        }

        record Sequential(String reason) implements Result {
        }
    }

    /** The loop found in the element list of the method's code (indices into it). */
    private record Loop(int slot, int initStore, int start, int end, int conditionLoad, int exitBranch, boolean inclusive,
                        int increment, int step, boolean blocked, boolean nonNegativeStart, String name) {
    }

    /** Numbers the copies: ordinary classes need distinct names. */
    private static final AtomicInteger COPIES = new AtomicInteger();

    private ParallelLoopTransformer() {
    }

    static Result transform(Method method) {
        Class<?> owner = method.getDeclaringClass();
        ClassModel classModel = ClassFiles.read(owner).orElse(null);
        if (classModel == null) {
            return new Result.Sequential("class file of " + owner.getName() + " not readable");
        }
        MethodModel methodModel = ClassFiles.method(classModel, method.getName(), ClassFiles.descriptor(method)).orElse(null);
        if (methodModel == null || methodModel.code().isEmpty()) {
            return new Result.Sequential("no bytecode for " + method.getName());
        }
        CodeModel code = methodModel.code().get();
        int paramSlots = 0;
        for (Class<?> p : method.getParameterTypes()) {
            paramSlots += (p == long.class || p == double.class) ? 2 : 1;
        }
        List<CodeElement> elements = code.elementList();
        Object analysis = analyze(code, elements);
        if (analysis instanceof String reason) {
            return new Result.Sequential(reason);
        }
        Loop loop = (Loop) analysis;
        try {
            if (!canSee(owner.getClassLoader())) {
                return new Result.Sequential("class loader of " + owner.getName() + " cannot see " + LoopSplit.class.getName());
            }
            String name = owner.getName() + "$SquallJvm" + COPIES.incrementAndGet();
            byte[] bytes = generate(owner, classModel, methodModel, elements, loop, paramSlots, maxLocals(code), name);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            // An ordinary class cannot be unloaded before its loader, unlike a hidden one; plans are cached per kernel
            // method, so there is one copy per @Parallel kernel.
            Class<?> copy = reachesPrivateMembers(owner, elements)
                    ? lookup.defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE).lookupClass()
                    : lookup.defineClass(bytes);
            MethodType type = MethodType.methodType(method.getReturnType(), method.getParameterTypes())
                    .appendParameterTypes(int.class, int.class);
            MethodHandle handle = lookup.findStatic(copy, method.getName(), type);
            String description = (loop.blocked() ? "blocked" : "cyclic") + " split of the @Parallel loop over "
                    + loop.name() + " (step " + loop.step() + ")";
            return new Result.Parallel(handle, description);
        } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
            return new Result.Sequential("transformation failed: " + e);
        }
    }

    /**
     * Whether the code names a private field, method or constructor of a class in the owner's nest (which only a
     * nestmate may use), or uses a method handle constant or invokedynamic (whose targets are not checked here).
     * Unresolvable references count as private: the hidden copy is always correct, only its frames are left out.
     */
    private static boolean reachesPrivateMembers(Class<?> owner, List<CodeElement> elements) {
        for (CodeElement e : elements) {
            switch (e) {
                case InvokeDynamicInstruction indy -> {
                    return true;
                }
                case ConstantInstruction c when c.constantValue() instanceof java.lang.constant.DirectMethodHandleDesc
                        || c.constantValue() instanceof java.lang.constant.DynamicConstantDesc<?> -> {
                    return true;
                }
                case FieldInstruction f when isPrivateInNest(owner, f.owner().asSymbol(), f.name().stringValue()) -> {
                    return true;
                }
                case InvokeInstruction i when isPrivateInNest(owner, i.owner().asSymbol(), i.name().stringValue()) -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    /** Whether {@code holder}, if a nestmate of {@code owner}, declares a private member called {@code member}. */
    private static boolean isPrivateInNest(Class<?> owner, ClassDesc holder, String member) {
        if (holder.isArray()) {
            return false;
        }
        try {
            Class<?> c = Class.forName(holder.packageName().isEmpty() ? holder.displayName()
                    : holder.packageName() + "." + holder.displayName(), false, owner.getClassLoader());
            if (c.getNestHost() != owner.getNestHost()) {
                return false;   // another nest's private members are out of reach of the kernel itself too
            }
            List<java.lang.reflect.Member> members = new ArrayList<>();
            if (member.equals("<init>")) {
                members.addAll(List.of(c.getDeclaredConstructors()));
            } else {
                members.addAll(List.of(c.getDeclaredFields()));
                members.addAll(List.of(c.getDeclaredMethods()));
            }
            for (java.lang.reflect.Member m : members) {
                if ((member.equals("<init>") || m.getName().equals(member)) && Modifier.isPrivate(m.getModifiers())) {
                    return true;
                }
            }
            return false;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return true;
        }
    }

    /** The loop variable's source name from the LocalVariableTable (javac -g), else its slot. */
    private static String variableName(List<CodeElement> elements, int slot, int start, Map<Label, Integer> labelIndex) {
        for (CodeElement e : elements) {
            if (e instanceof LocalVariable lv && lv.slot() == slot && labelIndex.get(lv.startScope()) == start) {
                return lv.name().stringValue();
            }
        }
        return "local " + slot;
    }

    private static boolean canSee(ClassLoader loader) {
        try {
            return Class.forName(LoopSplit.class.getName(), false, loader) == LoopSplit.class;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Returns a {@link Loop} or a String saying why the method cannot be split. */
    private static Object analyze(CodeModel code, List<CodeElement> elements) {
        // A label's position: the index of the first instruction at or after it (labels at one bytecode offset are equal).
        Map<Label, Integer> labelIndex = new HashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i) instanceof LabelTarget target) {
                int position = nextInstruction(elements, i);
                labelIndex.put(target.label(), position < 0 ? elements.size() : position);
            }
        }
        List<int[]> ranges = new ArrayList<>();   // {slot, start, end}
        code.findAttribute(Attributes.runtimeVisibleTypeAnnotations()).ifPresent(attribute -> {
            for (TypeAnnotation annotation : attribute.annotations()) {
                if (annotation.annotation().classSymbol().equals(PARALLEL)
                        && annotation.targetInfo() instanceof TypeAnnotation.LocalVarTarget target) {
                    for (TypeAnnotation.LocalVarTargetInfo info : target.table()) {
                        Integer start = labelIndex.get(info.startLabel());
                        Integer end = labelIndex.get(info.endLabel());
                        if (start != null && end != null) {
                            ranges.add(new int[]{info.index(), start, end});
                        }
                    }
                }
            }
        });
        if (ranges.isEmpty()) {
            return "no @Parallel loop";
        }
        List<int[]> outermost = new ArrayList<>();
        for (int[] r : ranges) {
            boolean nested = false;
            for (int[] other : ranges) {
                if (other != r && other[1] <= r[1] && r[2] <= other[2] && !(other[1] == r[1] && other[2] == r[2])) {
                    nested = true;
                }
            }
            if (!nested && outermost.stream().noneMatch(o -> o[1] == r[1] && o[2] == r[2])) {
                outermost.add(r);
            }
        }
        if (outermost.size() > 1) {
            return outermost.size() + " top-level @Parallel loops (runs sequentially so each loop sees the previous one's results)";
        }
        int slot = outermost.getFirst()[0];
        int start = outermost.getFirst()[1];
        int end = outermost.getFirst()[2];

        int initStore = previousInstruction(elements, start);
        if (start < 0 || start >= elements.size()) {
            return "the @Parallel variable's range is empty";
        }
        if (initStore < 0 || !(elements.get(initStore) instanceof StoreInstruction store)
                || store.slot() != slot || store.typeKind() != TypeKind.INT) {
            return "the @Parallel loop does not start with a store of its int variable";
        }
        int conditionLoad = start;
        if (conditionLoad < 0 || !(elements.get(conditionLoad) instanceof LoadInstruction load) || load.slot() != slot) {
            return "the @Parallel loop's condition does not start with a load of its variable (i < bound expected)";
        }
        // The bound expression runs up to the first branch, which must leave the loop when i >= bound (or i > bound).
        int exitBranch = -1;
        List<Instruction> bound = new ArrayList<>();
        for (int i = conditionLoad + 1; i < end; i++) {
            if (elements.get(i) instanceof BranchInstruction branch) {
                exitBranch = i;
                break;
            }
            if (elements.get(i) instanceof Instruction instruction) {
                bound.add(instruction);
            }
        }
        if (exitBranch < 0) {
            return "the @Parallel loop has no exit test";
        }
        BranchInstruction exit = (BranchInstruction) elements.get(exitBranch);
        boolean inclusive;
        if (exit.opcode() == Opcode.IF_ICMPGE) {
            inclusive = false;
        } else if (exit.opcode() == Opcode.IF_ICMPGT) {
            inclusive = true;
        } else {
            return "the @Parallel loop's condition is not i < bound or i <= bound";
        }
        if (labelIndex.get(exit.target()) < end) {
            return "the @Parallel loop's condition does not exit the loop";
        }
        // Inside the loop: exactly one positive increment of the variable, no other writes to it, no other exits.
        int increment = -1;
        int step = 0;
        Set<Integer> storedSlots = new HashSet<>();
        for (int i = start; i < end; i++) {
            CodeElement e = elements.get(i);
            switch (e) {
                case IncrementInstruction inc -> {
                    storedSlots.add(inc.slot());
                    if (inc.slot() == slot) {
                        if (increment >= 0 || inc.constant() <= 0) {
                            return "the @Parallel loop variable is changed in the loop body";
                        }
                        increment = i;
                        step = inc.constant();
                    }
                }
                case StoreInstruction st -> {
                    storedSlots.add(st.slot());
                    if (st.slot() == slot) {
                        return "the @Parallel loop variable is assigned in the loop body";
                    }
                }
                case BranchInstruction branch -> {
                    int target = labelIndex.get(branch.target());
                    if (i != exitBranch && (target < start || target >= end)) {
                        return "the @Parallel loop has a break, or a jump out of it";
                    }
                }
                case TableSwitchInstruction ts -> {
                    if (!inside(ts.defaultTarget(), start, end, labelIndex)
                            || ts.cases().stream().anyMatch(c -> !inside(c.target(), start, end, labelIndex))) {
                        return "the @Parallel loop has a jump out of it";
                    }
                }
                case LookupSwitchInstruction ls -> {
                    if (!inside(ls.defaultTarget(), start, end, labelIndex)
                            || ls.cases().stream().anyMatch(c -> !inside(c.target(), start, end, labelIndex))) {
                        return "the @Parallel loop has a jump out of it";
                    }
                }
                case ReturnInstruction ret -> {
                    return "the @Parallel loop contains a return";
                }
                default -> { }
            }
        }
        if (increment < 0) {
            return "the @Parallel loop has no i++ / i += c step";
        }
        // Outside the loop: nothing that writes memory (every worker runs it), no enclosing loop.
        for (int i = 0; i < elements.size(); i++) {
            if (i >= initStore && i < end) {
                continue;
            }
            String effect = effect(elements, i, labelIndex);
            if (effect != null) {
                return effect + " outside the @Parallel loop";
            }
        }
        boolean blocked = bound.stream().allMatch(ins -> invariant(ins, slot, storedSlots));
        int initValue = previousInstruction(elements, initStore);
        boolean nonNegativeStart = initValue >= 0 && elements.get(initValue) instanceof ConstantInstruction c
                && c.constantValue() instanceof Integer value && value >= 0;
        return new Loop(slot, initStore, start, end, conditionLoad, exitBranch, inclusive, increment, step, blocked, nonNegativeStart,
                variableName(elements, slot, start, labelIndex));
    }

    private static boolean inside(Label label, int start, int end, Map<Label, Integer> labelIndex) {
        int target = labelIndex.get(label);
        return target >= start && target < end;
    }

    private static String effect(List<CodeElement> elements, int index, Map<Label, Integer> labelIndex) {
        return switch (elements.get(index)) {
            case OperatorInstruction op -> null;
            case ArrayStoreInstruction store -> "an array store";
            case FieldInstruction field when field.opcode() == Opcode.PUTFIELD || field.opcode() == Opcode.PUTSTATIC ->
                    "a field store";
            case InvokeInstruction invoke when !pure(invoke) -> "a call to " + invoke.owner().asInternalName() + "."
                    + invoke.name().stringValue();
            case MonitorInstruction monitor -> "synchronization";
            case BranchInstruction branch when labelIndex.get(branch.target()) < index -> "a loop around the @Parallel loop";
            default -> null;
        };
    }

    /** Calls known to have no side effects: array getters, math. */
    private static boolean pure(InvokeInstruction invoke) {
        String owner = invoke.owner().asInternalName();
        String name = invoke.name().stringValue();
        if (owner.startsWith("io/squall/api/types/arrays/")) {
            return name.startsWith("get") || name.equals("toHeapArray");
        }
        return switch (owner) {
            case "java/lang/Math", "java/lang/StrictMath", "io/squall/api/math/TornadoMath", "io/squall/api/types/HalfFloat",
                 "java/lang/Float", "java/lang/Double", "java/lang/Integer", "java/lang/Long", "java/lang/Short",
                 "java/lang/Byte" -> invoke.opcode() == Opcode.INVOKESTATIC || name.endsWith("Value");
            default -> false;
        };
    }

    /** Whether an instruction of the bound expression gives the same value at every iteration. */
    private static boolean invariant(Instruction ins, int loopSlot, Set<Integer> storedInLoop) {
        return switch (ins) {
            case LoadInstruction load -> load.slot() != loopSlot && !storedInLoop.contains(load.slot());
            case ConstantInstruction c -> true;
            case OperatorInstruction op -> true;
            case ConvertInstruction cv -> true;
            case InvokeInstruction invoke -> pure(invoke);
            default -> false;
        };
    }

    private static int previousInstruction(List<CodeElement> elements, int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (elements.get(i) instanceof Instruction) {
                return i;
            }
        }
        return -1;
    }

    private static int nextInstruction(List<CodeElement> elements, int index) {
        for (int i = index + 1; i < elements.size(); i++) {
            if (elements.get(i) instanceof Instruction) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] generate(Class<?> owner, ClassModel classModel, MethodModel methodModel, List<CodeElement> elements,
                                   Loop loop, int paramSlots, int maxLocals, String className) {
        ClassLoader loader = owner.getClassLoader() != null ? owner.getClassLoader() : ClassLoader.getSystemClassLoader();
        ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofResourceParsing(loader))
                .orElse(ClassHierarchyResolver.ofClassLoading(loader))));
        int worker = paramSlots;
        int workers = paramSlots + 1;
        int hi = maxLocals + 2;
        MethodTypeDesc original = methodModel.methodTypeSymbol();
        MethodTypeDesc type = original.insertParameterTypes(original.parameterCount(), ConstantDescs.CD_int, ConstantDescs.CD_int);
        ClassDesc name = ClassDesc.of(className);
        List<Instruction> bound = new ArrayList<>();
        for (int i = loop.conditionLoad() + 1; i < loop.exitBranch(); i++) {
            if (elements.get(i) instanceof Instruction ins) {
                bound.add(ins);
            }
        }
        return classFile.build(name, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            classModel.findAttribute(Attributes.sourceFile()).ifPresent(cb::with);
            cb.withMethodBody(methodModel.methodName().stringValue(), type, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                int v = remap(loop.slot(), paramSlots);
                for (int i = 0; i < elements.size(); i++) {
                    CodeElement e = elements.get(i);
                    if (i == loop.initStore()) {
                        b.istore(v);
                        if (loop.blocked()) {
                            splitBound(b, v, bound, loop, paramSlots, worker, workers, "end");
                            b.istore(hi);
                            splitBound(b, v, bound, loop, paramSlots, worker, workers,
                                    loop.nonNegativeStart() ? "beginNonNegative" : "begin");
                            b.istore(v);
                        } else {
                            b.iload(v).iload(worker).loadConstant(loop.step()).imul().iadd().istore(v);
                        }
                    } else if (loop.blocked() && i > loop.conditionLoad() && i < loop.exitBranch() && e instanceof Instruction) {
                        // the bound expression: replaced by the worker's end below
                    } else if (loop.blocked() && i == loop.exitBranch()) {
                        b.iload(hi).if_icmpge(((BranchInstruction) e).target());
                    } else if (!loop.blocked() && i == loop.increment()) {
                        b.iload(v).iload(workers).loadConstant(loop.step()).imul().iadd().istore(v);
                    } else {
                        copy(b, e, paramSlots);
                    }
                }
            });
        });
    }

    /** Pushes LoopSplit.begin/end(init = v, bound, step, inclusive, worker, workers). */
    private static void splitBound(CodeBuilder b, int v, List<Instruction> bound, Loop loop, int paramSlots, int worker,
                                   int workers, String which) {
        b.iload(v);
        for (Instruction ins : bound) {
            copy(b, ins, paramSlots);
        }
        b.loadConstant(loop.step()).loadConstant(loop.inclusive() ? 1 : 0).iload(worker).iload(workers)
                .invokestatic(LOOP_SPLIT, which, SPLIT_TYPE);
    }

    /** Copies one element, moving locals past the parameters two slots up (room for worker, workers). */
    private static void copy(CodeBuilder b, CodeElement e, int paramSlots) {
        switch (e) {
            case LoadInstruction load -> b.loadLocal(load.typeKind(), remap(load.slot(), paramSlots));
            case StoreInstruction store -> b.storeLocal(store.typeKind(), remap(store.slot(), paramSlots));
            case IncrementInstruction inc -> b.iinc(remap(inc.slot(), paramSlots), inc.constant());
            case LocalVariable lv -> { }
            case LocalVariableType lvt -> { }
            case PseudoInstruction pseudo -> b.with(pseudo);
            case Instruction ins -> b.with(ins);
            default -> { }   // attributes of the original Code (type annotations, stack maps) are not carried over
        }
    }

    private static int maxLocals(CodeModel code) {
        return ((java.lang.classfile.attribute.CodeAttribute) code).maxLocals();
    }

    private static int remap(int slot, int paramSlots) {
        return slot < paramSlots ? slot : slot + 2;
    }
}
