package io.squall.jit.frontend;

import io.squall.jit.IterationExpr;
import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** State shared by the kernel method and its inlined callees while building one kernel. */
final class CompileContext {
    static final int REDUCTION_GROUP_SIZE = 128;
    static final int MAX_INLINE_DEPTH = 32;

    enum ReduceOp {
        SUM,
        MAX,
        MIN,
        PRODUCT
    }

    /** A @Reduce argument: its private accumulator slot and, once the loop body shows it, the operator. */
    static final class Reduction {
        final FrameValue.ArrayRef array;
        final Temp identityPlaceholder;
        ReduceOp op;
        /** The value stored before the @Parallel loop (TornadoVM's `result.set(0, v)`), combined in once; null if none. */
        Value initialValue;
        /** Whether the kernel reads the accumulator; a @Reduce argument neither read nor updated is left alone. */
        boolean read;

        boolean untouched() {
            return op == null && !read && initialValue == null;
        }

        /** Only read in the loop (TornadoVM's tests read a previous task's reduction result this way): plain loads of result[0]. */
        boolean readOnly() {
            return op == null && read && initialValue == null;
        }

        Reduction(FrameValue.ArrayRef array, Temp identityPlaceholder) {
            this.array = array;
            this.identityPlaceholder = identityPlaceholder;
        }
    }

    final String kernelName;
    final Function function;
    final IrBuilder builder;
    final ClassLoader loader;
    /** How the kernel uses each argument, then each operand (see Kernel.Operand). */
    final List<Kernel.Access> access = new ArrayList<>();
    /** The entry point's parameters in ABI order (operands add theirs while the body is parsed). */
    final List<io.squall.jit.KernelParam> params = new ArrayList<>();

    final List<Kernel.Operand> operands = new ArrayList<>();
    /** The receiver of an instance-method kernel (argument 0), whose fields become operands when read; else null. */
    FrameValue.Obj receiver;
    /** The receiver's runtime class. */
    Class<?> receiverClass;

    final int javaArgs;
    final Map<Temp, IterationExpr> parameterExprs = new HashMap<>();
    final Deque<String> inlineStack = new ArrayDeque<>();
    final List<Reduction> reductions = new ArrayList<>();
    final List<ParallelLoop> loops = new ArrayList<>();
    int newHalfCounter;
    /**
     * The class files read so far in this compilation: every inlined call site used to read and parse its class again
     * (dozens per prefill kernel, from the jar).
     */
    private final Map<String, java.lang.classfile.ClassModel> classModels = new HashMap<>();

    /** The class file of {@code internalName}, through this kernel's class loader, read once per compilation. */
    java.lang.classfile.ClassModel classModel(String internalName) {
        java.lang.classfile.ClassModel model = classModels.get(internalName);
        if (model == null) {
            model = ClassModels.load(internalName, loader);
            classModels.put(internalName, model);
        }
        return model;
    }

    CompileContext(String kernelName, Function function, ClassLoader loader, int javaArgs) {
        this.kernelName = kernelName;
        this.function = function;
        this.builder = new IrBuilder(function);
        this.loader = loader;
        this.javaArgs = javaArgs;
        for (int i = 0; i < javaArgs; i++) {
            access.add(Kernel.Access.NONE);
        }
    }

    KernelCompilationException error(String construct, String sourceFile, int line) {
        return new KernelCompilationException(kernelName, construct, sourceFile, line, "is not supported in kernels");
    }

    void markRead(FrameValue.ArrayRef a) {
        mark(a, Kernel.Access.READ);
    }

    void markWrite(FrameValue.ArrayRef a) {
        mark(a, Kernel.Access.WRITE);
    }

    private void mark(FrameValue.ArrayRef a, Kernel.Access add) {
        if (a.javaArg() < 0) {
            return;
        }
        Kernel.Access old = access.get(a.javaArg());
        access.set(a.javaArg(), old == Kernel.Access.NONE || old == add ? add : Kernel.Access.READ_WRITE);
    }

    /** Adds an operand; returns the javaArgIndex its parameters bind. */
    int addOperand(Kernel.Operand operand) {
        operands.add(operand);
        access.add(Kernel.Access.NONE);
        return javaArgs + operands.size() - 1;
    }

    Reduction reductionOf(FrameValue.ArrayRef a) {
        for (Reduction r : reductions) {
            if (r.array == a) {
                return r;
            }
        }
        return null;
    }

    private static void collectPhiLeaves(
            Value v, Map<Temp, Object> defs, java.util.Set<Value> seen, java.util.Set<Value> leaves) {
        if (!seen.add(v) || leaves.size() > 1) {
            return;
        }
        if (v instanceof Temp t && defs.get(t) instanceof Phi phi) {
            for (Phi.Incoming in : phi.incoming()) {
                collectPhiLeaves(in.value(), defs, seen, leaves);
            }
        } else {
            leaves.add(v);
        }
    }

    /** The loop bound {@code v} as a function of the arguments, or null when it depends on anything else. */
    IterationExpr expressionOf(Value v) {
        return expressionOf(v, function.definitions(), 0);
    }

    private IterationExpr expressionOf(Value v, Map<Temp, Object> defs, int depth) {
        if (depth > 20) {
            return null;
        }
        if (v instanceof Constant c) {
            return c.type().isFloat() ? null : new IterationExpr.Const(c.longValue());
        }
        Temp t = (Temp) v;
        if (parameterExprs.containsKey(t)) {
            return parameterExprs.get(t);
        }
        if (defs.get(t) instanceof Phi) { // loop-invariant values pass through a web of phis
            java.util.Set<Value> leaves = new java.util.HashSet<>();
            collectPhiLeaves(t, defs, new java.util.HashSet<>(), leaves);
            return leaves.size() == 1 ? expressionOf(leaves.iterator().next(), defs, depth + 1) : null;
        }
        if (defs.get(t) instanceof Binary b && b.result().type() == ScalarType.I32) {
            IterationExpr.Op op = switch (b.op()) {
                case ADD -> IterationExpr.Op.ADD;
                case SUB -> IterationExpr.Op.SUB;
                case MUL -> IterationExpr.Op.MUL;
                case DIV -> IterationExpr.Op.DIV;
                case SHL -> IterationExpr.Op.SHL;
                case SHR -> IterationExpr.Op.SHR;
                default -> null;
            };
            IterationExpr l = expressionOf(b.left(), defs, depth + 1);
            IterationExpr r = expressionOf(b.right(), defs, depth + 1);
            return op == null || l == null || r == null ? null : new IterationExpr.Binary(op, l, r);
        }
        return null;
    }
}
