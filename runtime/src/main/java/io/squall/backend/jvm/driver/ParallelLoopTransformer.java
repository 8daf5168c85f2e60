package io.squall.backend.jvm.driver;

import io.squall.jit.ReceiverFields;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.lang.classfile.instruction.StoreInstruction;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a loop-parallel kernel runnable by several workers: when {@link ParallelLoopAnalysis} finds its outermost
 * {@code @Parallel} loop splittable, generates a copy of the method with two extra int parameters
 * {@code (worker, workers)} in which that loop only visits the worker's share (contiguous ranges via {@link LoopSplit}
 * when the analysis found the split blocked, else cyclic). The copy is defined as an ordinary class in the kernel's
 * package, so its frames (and the kernel's source lines) appear in stack traces; when it touches private members of the
 * kernel's nest it is a hidden nestmate instead, which keeps them callable but whose frames traces leave out.
 * Anything the analysis or the definition rejects is reported as a {@link Result.Sequential} with the reason, and runs
 * sequentially.
 */
final class ParallelLoopTransformer {
    private static final ClassDesc LOOP_SPLIT = ClassDesc.of(LoopSplit.class.getName());
    private static final MethodTypeDesc SPLIT_TYPE = MethodTypeDesc.of(
            ConstantDescs.CD_int,
            ConstantDescs.CD_int,
            ConstantDescs.CD_int,
            ConstantDescs.CD_int,
            ConstantDescs.CD_boolean,
            ConstantDescs.CD_int,
            ConstantDescs.CD_int);

    sealed interface Result {
        /** {@code handle} has the kernel's parameters followed by {@code int worker, int workers}. */
        record Parallel(MethodHandle handle, String description) implements Result {}

        record Sequential(String reason) implements Result {}
    }

    /** Numbers the copies: ordinary classes need distinct names. */
    private static final AtomicInteger COPIES = new AtomicInteger();

    private ParallelLoopTransformer() {}

    static Result transform(Method method) {
        Class<?> owner = method.getDeclaringClass();
        ClassModel classModel = ClassFiles.read(owner).orElse(null);
        if (classModel == null) {
            return new Result.Sequential("class file of " + owner.getName() + " not readable");
        }
        MethodModel methodModel = ClassFiles.method(classModel, method.getName(), ClassFiles.descriptor(method))
                .orElse(null);
        if (methodModel == null || methodModel.code().isEmpty()) {
            return new Result.Sequential("no bytecode for " + method.getName());
        }
        CodeModel code = methodModel.code().get();
        boolean instance = !Modifier.isStatic(method.getModifiers());
        int paramSlots = instance ? 1 : 0; // an instance method's copy is static and takes the receiver first
        for (Class<?> p : method.getParameterTypes()) {
            paramSlots += (p == long.class || p == double.class) ? 2 : 1;
        }
        List<CodeElement> elements = code.elementList();
        ParallelLoopAnalysis.Loop loop;
        switch (ParallelLoopAnalysis.analyze(code, elements)) {
            case ParallelLoopAnalysis.Outcome.Splittable splittable -> loop = splittable.loop();
            case ParallelLoopAnalysis.Outcome.Unsplittable unsplittable -> {
                return new Result.Sequential(unsplittable.reason());
            }
        }
        try {
            if (!canSee(owner.getClassLoader())) {
                return new Result.Sequential(
                        "class loader of " + owner.getName() + " cannot see " + LoopSplit.class.getName());
            }
            String name = owner.getName() + "$SquallJvm" + COPIES.incrementAndGet();
            byte[] bytes = generate(
                    owner, classModel, methodModel, elements, loop, paramSlots, maxLocals(code), name, instance);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            // An ordinary class cannot be unloaded before its loader, unlike a hidden one; plans are cached per kernel
            // method, so there is one copy per @Parallel kernel.
            Class<?> copy = reachesPrivateMembers(owner, elements)
                    ? lookup.defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE)
                            .lookupClass()
                    : lookup.defineClass(bytes);
            MethodType type = MethodType.methodType(method.getReturnType(), ReceiverFields.argumentTypes(method))
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
                case ConstantInstruction c
                when c.constantValue() instanceof java.lang.constant.DirectMethodHandleDesc
                        || c.constantValue() instanceof java.lang.constant.DynamicConstantDesc<?> -> {
                    return true;
                }
                case FieldInstruction f
                when isPrivateInNest(owner, f.owner().asSymbol(), f.name().stringValue()) -> {
                    return true;
                }
                case InvokeInstruction i
                when isPrivateInNest(owner, i.owner().asSymbol(), i.name().stringValue()) -> {
                    return true;
                }
                default -> {}
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
            Class<?> c = Class.forName(
                    holder.packageName().isEmpty()
                            ? holder.displayName()
                            : holder.packageName() + "." + holder.displayName(),
                    false,
                    owner.getClassLoader());
            if (c.getNestHost() != owner.getNestHost()) {
                return false; // another nest's private members are out of reach of the kernel itself too
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

    private static boolean canSee(ClassLoader loader) {
        try {
            return Class.forName(LoopSplit.class.getName(), false, loader) == LoopSplit.class;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static byte[] generate(
            Class<?> owner,
            ClassModel classModel,
            MethodModel methodModel,
            List<CodeElement> elements,
            ParallelLoopAnalysis.Loop loop,
            int paramSlots,
            int maxLocals,
            String className,
            boolean instance) {
        ClassLoader loader =
                owner.getClassLoader() != null ? owner.getClassLoader() : ClassLoader.getSystemClassLoader();
        ClassFile classFile =
                ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                        .orElse(ClassHierarchyResolver.ofResourceParsing(loader))
                        .orElse(ClassHierarchyResolver.ofClassLoading(loader))));
        int worker = paramSlots;
        int workers = paramSlots + 1;
        int hi = maxLocals + 2;
        MethodTypeDesc original = instance
                ? methodModel
                        .methodTypeSymbol()
                        .insertParameterTypes(0, classModel.thisClass().asSymbol())
                : methodModel.methodTypeSymbol();
        MethodTypeDesc type =
                original.insertParameterTypes(original.parameterCount(), ConstantDescs.CD_int, ConstantDescs.CD_int);
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
            cb.withMethodBody(
                    methodModel.methodName().stringValue(), type, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                        int v = remap(loop.slot(), paramSlots);
                        for (int i = 0; i < elements.size(); i++) {
                            CodeElement e = elements.get(i);
                            if (i == loop.initStore()) {
                                b.istore(v);
                                if (loop.blocked()) {
                                    splitBound(b, v, bound, loop, paramSlots, worker, workers, "end");
                                    b.istore(hi);
                                    splitBound(
                                            b,
                                            v,
                                            bound,
                                            loop,
                                            paramSlots,
                                            worker,
                                            workers,
                                            loop.nonNegativeStart() ? "beginNonNegative" : "begin");
                                    b.istore(v);
                                } else {
                                    b.iload(v)
                                            .iload(worker)
                                            .loadConstant(loop.step())
                                            .imul()
                                            .iadd()
                                            .istore(v);
                                }
                            } else if (loop.blocked()
                                    && i > loop.conditionLoad()
                                    && i < loop.exitBranch()
                                    && e instanceof Instruction) {
                                // the bound expression: replaced by the worker's end below
                            } else if (loop.blocked() && i == loop.exitBranch()) {
                                b.iload(hi).if_icmpge(((BranchInstruction) e).target());
                            } else if (!loop.blocked() && i == loop.increment()) {
                                b.iload(v)
                                        .iload(workers)
                                        .loadConstant(loop.step())
                                        .imul()
                                        .iadd()
                                        .istore(v);
                            } else {
                                copy(b, e, paramSlots);
                            }
                        }
                    });
        });
    }

    /** Pushes LoopSplit.begin/end(init = v, bound, step, inclusive, worker, workers). */
    private static void splitBound(
            CodeBuilder b,
            int v,
            List<Instruction> bound,
            ParallelLoopAnalysis.Loop loop,
            int paramSlots,
            int worker,
            int workers,
            String which) {
        b.iload(v);
        for (Instruction ins : bound) {
            copy(b, ins, paramSlots);
        }
        b.loadConstant(loop.step())
                .loadConstant(loop.inclusive() ? 1 : 0)
                .iload(worker)
                .iload(workers)
                .invokestatic(LOOP_SPLIT, which, SPLIT_TYPE);
    }

    /** Copies one element, moving locals past the parameters two slots up (room for worker, workers). */
    private static void copy(CodeBuilder b, CodeElement e, int paramSlots) {
        switch (e) {
            case LoadInstruction load -> b.loadLocal(load.typeKind(), remap(load.slot(), paramSlots));
            case StoreInstruction store -> b.storeLocal(store.typeKind(), remap(store.slot(), paramSlots));
            case IncrementInstruction inc -> b.iinc(remap(inc.slot(), paramSlots), inc.constant());
            case LocalVariable lv -> {}
            case LocalVariableType lvt -> {}
            case PseudoInstruction pseudo -> b.with(pseudo);
            case Instruction ins -> b.with(ins);
            default -> {} // attributes of the original Code (type annotations, stack maps) are not carried over
        }
    }

    private static int maxLocals(CodeModel code) {
        return ((java.lang.classfile.attribute.CodeAttribute) code).maxLocals();
    }

    private static int remap(int slot, int paramSlots) {
        return slot < paramSlots ? slot : slot + 2;
    }
}
