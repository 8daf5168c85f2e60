package io.squall.jit.frontend;

import io.squall.jit.KernelCompilationException;
import io.squall.jit.frontend.FrameValue.ArrayRef;
import io.squall.jit.frontend.FrameValue.Context;
import io.squall.jit.frontend.FrameValue.NewArray;
import io.squall.jit.frontend.FrameValue.NewHalf;
import io.squall.jit.frontend.FrameValue.Obj;
import io.squall.jit.frontend.FrameValue.PendingCompare;
import io.squall.jit.frontend.FrameValue.Val;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.MathOp;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.UnaryOp;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.SourceLocation;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Type;
import io.squall.jit.ir.Value;
import io.squall.jit.ir.VectorType;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.ObjectVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.NopInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Abstract interpretation of one method's bytecode into SSA, in code order. Blocks start at branch targets; every
 * merge point has a StackMapTable frame (verifier rule), which says which locals and stack entries are live there, so
 * phis are created for exactly those and filled from the recorded incoming edges at the end. Trivial phis are removed
 * by constant folding later. Static callees are parsed recursively into the same function (inlining).
 */
final class MethodParser {
    private record Edge(Block from, FrameState state) {}

    /**
     * A phi (or a reference resolved from the first edge) for one local or stack entry of a merge block; an array
     * variable that refers to different arrays on the incoming paths ({@code b = cond ? arrayA : arrayB}) gets a phi of
     * their pointers in {@code phi} and of their lengths in {@code lengthPhi}.
     */
    private record EntrySlot(boolean stack, int index, Phi phi, FrameValue reference, Phi lengthPhi) {
        EntrySlot(boolean stack, int index, Phi phi, FrameValue reference) {
            this(stack, index, phi, reference, null);
        }
    }

    record ReturnEdge(Block from, FrameValue value) {}

    private final CompileContext ctx;
    private final IrBuilder b;
    private final ClassModel owner;
    private final MethodModel method;
    private final CodeAttribute code;
    private final String sourceFile;
    private final boolean isKernel;
    private final Block continuation;
    private final Map<Label, StackMapFrameInfo> frames = new HashMap<>();
    private final Set<Label> leaders = new HashSet<>();
    private final Map<Label, Block> blocks = new HashMap<>();
    private final Map<Block, List<Edge>> edges = new IdentityHashMap<>();
    private final Map<Block, List<EntrySlot>> entrySlots = new IdentityHashMap<>();
    private final List<ReturnEdge> returns = new ArrayList<>();
    private final int localsSize;
    private FrameState state;
    private Set<Label> loopHeads = Set.of();
    private boolean enteringLoopHead;
    private boolean live;
    private int line = -1;
    private SourceLocation here;
    private int bci;
    private List<CodeElement> elements;
    private int elementIndex;

    MethodParser(
            CompileContext ctx,
            ClassModel owner,
            MethodModel method,
            boolean isKernel,
            Block continuation,
            int extraLocals) {
        this.ctx = ctx;
        this.b = ctx.builder;
        this.owner = owner;
        this.method = method;
        this.code = (CodeAttribute) method.code().orElseThrow();
        this.sourceFile = owner.findAttribute(Attributes.sourceFile())
                .map(s -> s.sourceFile().stringValue())
                .orElse(null);
        this.isKernel = isKernel;
        this.continuation = continuation;
        this.localsSize = code.maxLocals() + extraLocals;
    }

    String sourceFile() {
        return sourceFile;
    }

    KernelCompilationException error(String construct) {
        return ctx.error(construct, sourceFile, line);
    }

    KernelCompilationException error(String construct, String detail) {
        return new KernelCompilationException(ctx.kernelName, construct, sourceFile, line, detail);
    }

    /** The current source line as a location (shared while the line stays the same). */
    private SourceLocation here() {
        if (here == null || here.line() != line) {
            here = new SourceLocation(sourceFile, line);
        }
        return here;
    }

    int firstLine() {
        for (CodeElement e : code.elementList()) {
            if (e instanceof LineNumber ln) {
                return ln.line();
            }
        }
        return -1;
    }

    /** Parses the method starting in the builder's current block with these arguments in its first locals. */
    List<ReturnEdge> parse(FrameValue[] arguments) {
        line = firstLine();
        for (CodeElement e : code.elementList()) { // synchronized also brings exception handlers: name it first
            if (e instanceof LineNumber ln) {
                line = ln.line();
            } else if (e instanceof MonitorInstruction) {
                throw error("`synchronized`");
            }
        }
        line = firstLine();
        if (!code.exceptionHandlers().isEmpty()) {
            throw error("exception handling (try/catch/finally)");
        }
        code.findAttribute(Attributes.stackMapTable()).ifPresent(t -> {
            for (StackMapFrameInfo f : t.entries()) {
                frames.put(f.target(), f);
                leaders.add(f.target());
            }
        });
        state = new FrameState(localsSize);
        int slot = 0;
        for (FrameValue a : arguments) {
            state.locals[slot] = a;
            slot += FrameValue.isWide(a) ? 2 : 1;
        }
        live = true;
        elements = code.elementList();
        loopHeads = loopHeads();
        for (elementIndex = 0; elementIndex < elements.size(); elementIndex++) {
            CodeElement e = elements.get(elementIndex);
            switch (e) {
                case LabelTarget lt -> onLabel(lt.label());
                case LineNumber ln -> line = ln.line();
                case Instruction ins -> {
                    if (live) {
                        b.at(here());
                        interpret(ins);
                    }
                    bci += ins.sizeInBytes();
                }
                default -> {}
            }
        }
        if (live) {
            throw error("control flow falling off the end of the method");
        }
        for (PendingEpilogue e : epilogues) {
            ReductionLowering.emit(ctx, e.start(), e.tail(), e.state(), this);
        }
        fillPhis();
        return returns;
    }

    // ---------------------------------------------------------------- blocks and edges

    private Block blockFor(Label l) {
        if (!frames.containsKey(l)) {
            throw error("branch target without a StackMapTable frame (class files older than Java 6)");
        }
        return blocks.computeIfAbsent(l, k -> {
            Block blk = b.newBlock();
            edges.put(blk, new ArrayList<>());
            return blk;
        });
    }

    private void recordEdge(Block target, FrameState s) {
        recordEdge(b.block(), target, s);
    }

    private void recordEdge(Block from, Block target, FrameState s) {
        if (entrySlots.containsKey(target)) {
            checkReferences(target, s);
        }
        edges.get(target).add(new Edge(from, s.copy()));
    }

    private void onLabel(Label label) {
        bci = code.labelToBci(label);
        if (isKernel) {
            for (ParallelLoop loop : ctx.loops) {
                if (!loop.started && loop.startBci == bci) {
                    startParallelLoop(loop);
                }
            }
        }
        if (!leaders.contains(label)) {
            return;
        }
        Block target = blockFor(label);
        if (live) {
            recordEdge(target, state);
            b.jump(target);
        }
        b.setBlock(target);
        List<Edge> incoming = edges.get(target);
        if (incoming.isEmpty()) {
            live = false; // unreachable code (or reached only backwards, which fillPhis reports)
            return;
        }
        live = true;
        enterMergeBlock(label, target, incoming.getFirst().state());
        if (isKernel) {
            for (ParallelLoop loop : ctx.loops) {
                if (loop.started && loop.header == null) {
                    loop.header = target;
                    loop.headerValue = ((Val) state.locals[loop.slot]).value();
                }
            }
        }
    }

    private void enterMergeBlock(Label label, Block target, FrameState first) {
        StackMapFrameInfo frame = frames.get(label);
        enteringLoopHead = loopHeads.contains(label);
        FrameState s = new FrameState(localsSize);
        List<EntrySlot> slots = new ArrayList<>();
        int slot = 0;
        for (VerificationTypeInfo vt : frame.locals()) {
            FrameValue value = entryValue(vt, first.locals[slot], false, slot, slots, target);
            if (value instanceof ArrayRef a && !sameOnEveryEdge(target, false, slot, a)) {
                slots.removeLast();
                value = mergedArray(target, false, slot, a, slots);
            }
            s.locals[slot] = value;
            slot += vt == SimpleVerificationTypeInfo.LONG || vt == SimpleVerificationTypeInfo.DOUBLE ? 2 : 1;
        }
        int depth = 0;
        for (VerificationTypeInfo vt : frame.stack()) {
            FrameValue value = entryValue(vt, first.stack.get(depth), true, depth, slots, target);
            if (value instanceof ArrayRef a && !sameOnEveryEdge(target, true, depth, a)) {
                slots.removeLast();
                value = mergedArray(target, true, depth, a, slots);
            }
            s.stack.add(value);
            depth++;
        }
        if (isKernel) {
            for (CompileContext.Reduction r : ctx.reductions) {
                int acc = r.array.accumulatorSlot();
                ParallelLoop loop = ctx.loops.getFirst();
                if (loop.contains(bci) && first.locals[acc] != null) {
                    Phi phi = new Phi(ctx.function.newTemp(r.array.element()));
                    target.phis().add(phi);
                    slots.add(new EntrySlot(false, acc, phi, null));
                    s.locals[acc] = new Val(phi.result());
                }
            }
        }
        entrySlots.put(target, slots);
        for (Edge edge : edges.get(target)) { // forward edges recorded before the block was entered
            checkReferences(target, edge.state());
        }
        state = s;
    }

    private FrameValue entryValue(
            VerificationTypeInfo vt, FrameValue first, boolean stack, int index, List<EntrySlot> slots, Block target) {
        Type type = switch (vt) {
            case SimpleVerificationTypeInfo simple ->
                switch (simple) {
                    case INTEGER -> ScalarType.I32;
                    case FLOAT -> ScalarType.F32;
                    case LONG -> ScalarType.I64;
                    case DOUBLE -> ScalarType.F64;
                    case TOP -> null;
                    default -> throw error("null reference");
                };
            case ObjectVerificationTypeInfo o
            when o.className().asInternalName().equals(Intrinsics.HALF_FLOAT) -> ScalarType.F16;
            case ObjectVerificationTypeInfo o
            when first instanceof Val v && v.value().type() instanceof VectorType vector ->
                vector; // a Float4/8/16 value (VectorOps), merged as a value: a phi
            default -> null;
        };
        if (vt == SimpleVerificationTypeInfo.TOP) {
            return null;
        }
        if (type == null) { // a reference: must be the same array/context on every path
            slots.add(new EntrySlot(stack, index, null, first));
            return first;
        }
        if (!enteringLoopHead && sameValueOnEveryEdge(target, stack, index, type)) {
            // every edge is known and brings the same value: no phi, so a constant stays one (a local array's size
            // passed past an early `return`)
            Edge edge = edges.get(target).getFirst();
            return stack ? edge.state().stack.get(index) : edge.state().locals[index];
        }
        Phi phi = new Phi(ctx.function.newTemp(type));
        target.phis().add(phi);
        slots.add(new EntrySlot(stack, index, phi, null));
        return new Val(phi.result());
    }

    private boolean sameValueOnEveryEdge(Block target, boolean stack, int index, Type type) {
        Value value = null;
        for (Edge edge : edges.get(target)) {
            FrameValue v = stack ? edge.state().stack.get(index) : edge.state().locals[index];
            if (!(v instanceof Val val)
                    || !val.value().type().equals(type)
                    || (value != null && !value.equals(val.value()))) {
                return false;
            }
            value = val.value();
        }
        return value != null;
    }

    /** Every label a branch or switch may go to. */
    private static List<Label> targetsOf(Instruction ins) {
        List<Label> targets = new ArrayList<>();
        switch (ins) {
            case BranchInstruction br -> targets.add(br.target());
            case TableSwitchInstruction ts -> {
                ts.cases().forEach(c -> targets.add(c.target()));
                targets.add(ts.defaultTarget());
            }
            case LookupSwitchInstruction ls -> {
                ls.cases().forEach(c -> targets.add(c.target()));
                targets.add(ls.defaultTarget());
            }
            default -> {}
        }
        return targets;
    }

    /** Labels a later branch goes back to (loop heads): edges still to come may bring other values there. */
    private Set<Label> loopHeads() {
        Set<Label> heads = new HashSet<>();
        int at = 0;
        Map<Label, Integer> seen = new HashMap<>();
        for (CodeElement e : elements) {
            if (e instanceof LabelTarget lt) {
                seen.put(lt.label(), at);
            } else if (e instanceof Instruction ins) {
                for (Label t : targetsOf(ins)) {
                    if (seen.containsKey(t)) {
                        heads.add(t);
                    }
                }
                at += ins.sizeInBytes();
            }
        }
        return heads;
    }

    private boolean sameOnEveryEdge(Block target, boolean stack, int index, FrameValue first) {
        for (Edge edge : edges.get(target)) {
            if ((stack ? edge.state().stack.get(index) : edge.state().locals[index]) != first) {
                return false;
            }
        }
        return true;
    }

    /**
     * An array variable that refers to different arrays on the paths into a merge ({@code b = cond ? arrayA : arrayB}):
     * one array of phis of the incoming pointers and lengths. The arrays must have the same element type and memory
     * (private, local or global); argument arrays it may refer to count as read and written.
     */
    private ArrayRef mergedArray(Block target, boolean stack, int index, ArrayRef first, List<EntrySlot> slots) {
        Phi base = new Phi(ctx.function.newTemp(first.base().type()));
        Phi length = new Phi(ctx.function.newTemp(ScalarType.I32));
        target.phis().add(base);
        target.phis().add(length);
        slots.add(new EntrySlot(stack, index, base, null, length));
        return new ArrayRef(
                -1, first.typeName(), base.result(), length.result(), first.element(), first.unsigned(), false, -1);
    }

    /** The array an edge brings into a merged array variable, checked to be one it can merge. */
    private ArrayRef mergeableArray(FrameValue v, EntrySlot es) {
        if (!(v instanceof ArrayRef a)
                || a.reduce()
                || a.typeName().equals(Intrinsics.ATOMIC_INTEGER)
                || !a.base().type().equals(es.phi().result().type())) {
            throw error(
                    "a variable that refers to arrays of different types or memories (or a @Reduce argument) on different paths");
        }
        return a;
    }

    private void checkReferences(Block target, FrameState s) {
        for (EntrySlot es : entrySlots.get(target)) {
            if (es.lengthPhi() != null) {
                mergeableArray(es.stack() ? s.stack.get(es.index()) : s.locals[es.index()], es);
            } else if (es.phi() == null) {
                FrameValue incoming = es.stack() ? s.stack.get(es.index()) : s.locals[es.index()];
                if (incoming != es.reference()) {
                    throw error(
                            "a variable that refers to different arrays on different paths",
                            "is not supported in kernels where the paths meet at a loop's start (an array swapped between iterations)");
                }
            }
        }
    }

    private void fillPhis() {
        for (Map.Entry<Block, List<Edge>> e : edges.entrySet()) {
            List<EntrySlot> slots = entrySlots.get(e.getKey());
            if (slots == null) {
                if (!e.getValue().isEmpty()) {
                    throw error("a loop whose header is reached only by a backward branch");
                }
                continue;
            }
            for (Edge edge : e.getValue()) {
                for (EntrySlot es : slots) {
                    if (es.phi() == null) {
                        continue;
                    }
                    FrameValue v = es.stack() ? edge.state().stack.get(es.index()) : edge.state().locals[es.index()];
                    if (es.lengthPhi() != null) {
                        ArrayRef a = mergeableArray(v, es);
                        ctx.markRead(a); // which path runs is known only on the device
                        ctx.markWrite(a);
                        es.phi().addIncoming(edge.from(), a.base());
                        es.lengthPhi().addIncoming(edge.from(), a.length());
                        continue;
                    }
                    if (!(v instanceof Val val)
                            || !val.value().type().equals(es.phi().result().type())) {
                        throw error("a value of inconsistent type at a control-flow merge");
                    }
                    es.phi().addIncoming(edge.from(), val.value());
                }
            }
        }
    }

    // ---------------------------------------------------------------- @Parallel loops

    private ParallelLoop enclosingLoop() {
        if (!isKernel) {
            return null;
        }
        ParallelLoop inner = null;
        for (ParallelLoop loop : ctx.loops) {
            if (loop.started && loop.contains(bci)) {
                inner = loop;
            }
        }
        return inner;
    }

    private ParallelLoop loopOfSlot(int slot) {
        if (!isKernel) {
            return null;
        }
        for (ParallelLoop loop : ctx.loops) {
            if (loop.slot == slot && loop.started && loop.contains(bci)) {
                return loop;
            }
        }
        return null;
    }

    private void startParallelLoop(ParallelLoop loop) {
        if (!live
                || !(state.locals[loop.slot] instanceof Val init)
                || init.value().type() != ScalarType.I32) {
            throw error("a @Parallel loop not of the form `for (@Parallel int i = start; i < end; i++)`");
        }
        loop.started = true;
        loop.startValue = init.value();
        loop.step = stepOf(loop);
        Value id = b.workItem(WorkItemQuery.GLOBAL_ID, loop.dimension);
        Value offset = loop.step == 1 ? id : b.binary(BinaryOperator.MUL, id, Constant.ofInt(loop.step));
        state.locals[loop.slot] = new Val(b.binary(BinaryOperator.ADD, init.value(), offset));
        if (loop == ctx.loops.getFirst()) {
            for (CompileContext.Reduction r : ctx.reductions) {
                state.locals[r.array.accumulatorSlot()] = new Val(r.identityPlaceholder);
            }
        }
    }

    private void parallelStep(ParallelLoop loop, IncrementInstruction inc) {
        Instruction next = nextInstruction();
        boolean backEdge = next instanceof BranchInstruction br
                && br.opcode() == Opcode.GOTO
                && code.labelToBci(br.target()) >= loop.startBci
                && code.labelToBci(br.target()) <= bci;
        if (inc.constant() != loop.step || !backEdge) {
            throw error(
                    "a @Parallel loop with a stride other than `i++` or an index modified in its body",
                    "(parallel loops must be `for (@Parallel int i = start; i < end; i++)`)");
        }
        state.locals[loop.slot] = new Val(nextIndex(loop, ((Val) state.locals[loop.slot]).value()));
    }

    /** The work-item's next index of a @Parallel loop: i + global size * step. */
    private Value nextIndex(ParallelLoop loop, Value i) {
        Value stride = b.workItem(WorkItemQuery.GLOBAL_SIZE, loop.dimension);
        if (loop.step != 1) {
            stride = b.binary(BinaryOperator.MUL, stride, Constant.ofInt(loop.step));
        }
        return b.binary(BinaryOperator.ADD, i, stride);
    }

    /**
     * A block that ends the current iteration of {@code loop} and goes on with the work-item's next one: where a
     * `return` or `break` inside a @Parallel loop leads. In TornadoVM each iteration is a thread of its own, so either
     * ends that iteration and no other.
     */
    private Block iterationEnd(ParallelLoop loop) {
        Block here = b.block();
        Block end = b.newBlock();
        b.setBlock(end);
        FrameState s = state.copy();
        s.locals[loop.slot] = new Val(nextIndex(loop, ((Val) s.locals[loop.slot]).value()));
        recordEdge(end, loop.header, s);
        b.jump(loop.header);
        b.setBlock(here);
        return end;
    }

    /** The innermost @Parallel loop that a branch to {@code target} leaves, or null. */
    private ParallelLoop loopLeftBy(Label target) {
        ParallelLoop loop = enclosingLoop();
        return loop != null && !loop.contains(code.labelToBci(target)) ? loop : null;
    }

    /**
     * The step of a @Parallel loop, read ahead from its one `iinc` of the index (`i += 2` as well as `i++`); work-item
     * g then starts at start + g * step. Other increments are left for {@link #parallelStep} to reject.
     */
    private int stepOf(ParallelLoop loop) {
        int at = bci;
        for (int k = elementIndex + 1; k < elements.size(); k++) {
            if (elements.get(k) instanceof LabelTarget lt) {
                at = code.labelToBci(lt.label());
            } else if (elements.get(k) instanceof Instruction ins) {
                if (at >= loop.endBci) {
                    break;
                }
                if (ins instanceof IncrementInstruction inc && inc.slot() == loop.slot) {
                    return inc.constant() > 1 ? inc.constant() : 1;
                }
                at += ins.sizeInBytes();
            }
        }
        return 1;
    }

    private Instruction nextInstruction() {
        for (int i = elementIndex + 1; i < elements.size(); i++) {
            if (elements.get(i) instanceof Instruction ins) {
                return ins;
            }
        }
        return null;
    }

    private void checkBranchOutOfParallelLoop(Label target) {
        ParallelLoop loop = enclosingLoop();
        if (loop != null && !loop.contains(code.labelToBci(target))) {
            throw error("`break` out of a @Parallel loop", "(each iteration is independent; use a condition instead)");
        }
    }

    // ---------------------------------------------------------------- interpretation

    private Value popValue() {
        FrameValue s = state.pop();
        return valueOf(s);
    }

    Value valueOf(FrameValue s) {
        return switch (s) {
            case Val v -> v.value();
            case PendingCompare pc -> materialize(pc);
            case ArrayRef a -> throw error("an array reference used as a value (`" + a.typeName() + "`)");
            case Context c -> throw error("the KernelContext used as a value");
            case NewHalf h -> throw error("an unconstructed HalfFloat");
            case Obj o -> throw error("a `" + o.className().replace('/', '.') + "` object used as a value");
            case NewArray a -> throw error("an unconstructed `" + a.className().replace('/', '.') + "`");
        };
    }

    private Value materialize(PendingCompare pc) {
        Value lt = b.compare(Predicate.LT, false, pc.left(), pc.right());
        Value gt = b.compare(Predicate.GT, false, pc.left(), pc.right());
        Value eq = b.compare(Predicate.EQ, false, pc.left(), pc.right());
        Value rest = b.select(eq, Constant.ofInt(0), Constant.ofInt(pc.nanResult()));
        return b.select(lt, Constant.ofInt(-1), b.select(gt, Constant.ofInt(1), rest));
    }

    private ArrayRef popArray() {
        FrameValue s = state.pop();
        if (s instanceof ArrayRef a) {
            return a;
        }
        throw error("an array operation on something that is not a kernel array argument or local array");
    }

    private void push(Value v) {
        state.push(new Val(v));
    }

    private void interpret(Instruction ins) {
        switch (ins) {
            case LoadInstruction l -> state.push(requireLocal(l.slot()));
            case StoreInstruction s -> {
                if (loopOfSlot(s.slot()) != null) {
                    throw error("an assignment to the @Parallel loop index");
                }
                FrameValue v = state.pop();
                state.locals[s.slot()] = v instanceof PendingCompare pc ? new Val(materialize(pc)) : v;
            }
            case IncrementInstruction inc -> {
                ParallelLoop loop = loopOfSlot(inc.slot());
                if (loop != null) {
                    parallelStep(loop, inc);
                } else {
                    Value v = valueOf(requireLocal(inc.slot()));
                    state.locals[inc.slot()] = new Val(b.binary(BinaryOperator.ADD, v, Constant.ofInt(inc.constant())));
                }
            }
            case ConstantInstruction c -> pushConstant(c);
            case OperatorInstruction op -> operator(op);
            case ConvertInstruction cv -> convert(cv);
            case StackInstruction st -> OperandStack.apply(state, st, this);
            case BranchInstruction br -> branch(br);
            case TableSwitchInstruction ts -> lowerSwitch(ts.defaultTarget(), ts.cases());
            case LookupSwitchInstruction ls -> lowerSwitch(ls.defaultTarget(), ls.cases());
            case ReturnInstruction r -> doReturn(r);
            case ArrayLoadInstruction al -> {
                Value index = popValue();
                arrayLoad(popArray(), index, false);
            }
            case ArrayStoreInstruction as -> {
                Value value = popValue();
                Value index = popValue();
                arrayStore(popArray(), index, value);
            }
            case FieldInstruction f -> Intrinsics.field(this, f);
            case InvokeInstruction inv -> Intrinsics.invoke(this, inv);
            case InvokeDynamicInstruction indy ->
                throw error("a lambda, method reference or string concatenation (invokedynamic)");
            case NewObjectInstruction n -> {
                String cls = n.className().asInternalName();
                if (cls.equals(Intrinsics.HALF_FLOAT)) {
                    state.push(new NewHalf(ctx.newHalfCounter++));
                } else if (KernelFrontend.arrayKindOf(cls) != null) {
                    state.push(new NewArray(cls, ctx.newHalfCounter++));
                } else if (cls.equals(Intrinsics.ATOMIC_INTEGER)) {
                    requireOncePerLaunch("`new AtomicInteger`");
                    state.push(new NewArray(cls, ctx.newHalfCounter++)); // a counter once constructed
                } else if (Intrinsics.isValueType(cls)) {
                    state.push(new Obj(cls, new HashMap<>(), false));
                } else if (isThrowable(n.className().asInternalName())) {
                    throw error("throwing an exception (`new "
                            + n.className().asInternalName().replace('/', '.') + "`)");
                } else {
                    throw error("object allocation `new "
                            + n.className().asInternalName().replace('/', '.') + "`");
                }
            }
            case NewPrimitiveArrayInstruction n -> privateArray(n);
            case NewReferenceArrayInstruction n ->
                throw error("array allocation `new " + n.componentType().name() + "[]`");
            case NewMultiArrayInstruction n -> throw error("multi-dimensional array allocation");
            case TypeCheckInstruction tc -> typeCheck(tc);
            case ThrowInstruction t -> throw error("throwing an exception");
            case MonitorInstruction m -> throw error("`synchronized`");
            case NopInstruction n -> {}
            default ->
                throw error("the bytecode instruction " + ins.opcode().name().toLowerCase());
        }
    }

    /**
     * Rejects {@code construct} where Java would run it more than once per launch of the whole kernel: in a callee,
     * inside a @Parallel loop (each iteration would have its own) or inside any other loop of the kernel.
     */
    void requireOncePerLaunch(String construct) {
        if (!isKernel || enclosingLoop() != null || insideLoop()) {
            throw error(
                    construct + " inside a loop or a called method",
                    "is not supported in kernels (make it once, in the kernel method before its loops: all work-items share it)");
        }
    }

    /** Whether the current instruction lies between a backward branch and its target (in some loop of this method). */
    private boolean insideLoop() {
        int at = 0;
        for (CodeElement e : elements) {
            if (e instanceof LabelTarget lt) {
                at = code.labelToBci(lt.label());
            } else if (e instanceof Instruction ins) {
                for (Label t : targetsOf(ins)) {
                    int target = code.labelToBci(t);
                    if (target <= at && target <= bci && bci <= at) {
                        return true;
                    }
                }
                at += ins.sizeInBytes();
            }
        }
        return false;
    }

    /** The source line being parsed. */
    int line() {
        return line;
    }

    private boolean isThrowable(String internalName) {
        try {
            return Throwable.class.isAssignableFrom(Class.forName(internalName.replace('/', '.'), false, ctx.loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private FrameValue requireLocal(int slot) {
        FrameValue s = state.locals[slot];
        if (s == null) {
            throw error("a read of an uninitialized local variable");
        }
        return s;
    }

    private void pushConstant(ConstantInstruction c) {
        Object v = c.constantValue();
        switch (v) {
            case Integer i -> push(Constant.ofInt(i));
            case Long l -> push(Constant.ofLong(l));
            case Float f -> push(Constant.ofFloat(f));
            case Double d -> push(Constant.ofDouble(d));
            case null -> throw error("`null`");
            case String s -> throw error("a string constant \"" + s + "\"");
            default -> throw error("the constant " + v);
        }
    }

    private void operator(OperatorInstruction op) {
        Opcode o = op.opcode();
        switch (o) {
            case ARRAYLENGTH -> push(popArray().length());
            case LCMP -> {
                Value r = popValue();
                state.push(new PendingCompare(popValue(), r, 0));
            }
            case FCMPL, DCMPL, FCMPG, DCMPG -> {
                Value r = popValue();
                state.push(new PendingCompare(popValue(), r, o == Opcode.FCMPL || o == Opcode.DCMPL ? -1 : 1));
            }
            case INEG, LNEG, FNEG, DNEG -> push(b.unary(UnaryOp.NEG, popValue()));
            default -> {
                BinaryOperator bo = switch (o) {
                    case IADD, LADD, FADD, DADD -> BinaryOperator.ADD;
                    case ISUB, LSUB, FSUB, DSUB -> BinaryOperator.SUB;
                    case IMUL, LMUL, FMUL, DMUL -> BinaryOperator.MUL;
                    case IDIV, LDIV, FDIV, DDIV -> BinaryOperator.DIV;
                    case IREM, LREM, FREM, DREM -> BinaryOperator.REM;
                    case ISHL, LSHL -> BinaryOperator.SHL;
                    case ISHR, LSHR -> BinaryOperator.SHR;
                    case IUSHR, LUSHR -> BinaryOperator.USHR;
                    case IAND, LAND -> BinaryOperator.AND;
                    case IOR, LOR -> BinaryOperator.OR;
                    case IXOR, LXOR -> BinaryOperator.XOR;
                    default -> throw error("the operator " + o.name().toLowerCase());
                };
                Value r = popValue();
                Value l = popValue();
                push(b.binary(bo, l, r));
            }
        }
    }

    static ScalarType scalarOf(TypeKind k) {
        return switch (k) {
            case INT -> ScalarType.I32;
            case LONG -> ScalarType.I64;
            case FLOAT -> ScalarType.F32;
            case DOUBLE -> ScalarType.F64;
            case BYTE, BOOLEAN -> ScalarType.I8;
            case SHORT, CHAR -> ScalarType.I16;
            default -> null;
        };
    }

    private void convert(ConvertInstruction cv) {
        Value v = popValue();
        TypeKind to = cv.toType();
        switch (to) {
            case BYTE, SHORT ->
                push(b.convert(
                        ConversionKind.NUMERIC, b.convert(ConversionKind.NUMERIC, v, scalarOf(to)), ScalarType.I32));
            case CHAR ->
                push(b.convert(
                        ConversionKind.ZERO_EXTEND,
                        b.convert(ConversionKind.NUMERIC, v, ScalarType.I16),
                        ScalarType.I32));
            default -> push(b.convert(ConversionKind.NUMERIC, v, scalarOf(to)));
        }
    }

    private static Predicate predicateOf(Opcode o) {
        return switch (o) {
            case IFEQ, IF_ICMPEQ -> Predicate.EQ;
            case IFNE, IF_ICMPNE -> Predicate.NE;
            case IFLT, IF_ICMPLT -> Predicate.LT;
            case IFGE, IF_ICMPGE -> Predicate.GE;
            case IFGT, IF_ICMPGT -> Predicate.GT;
            case IFLE, IF_ICMPLE -> Predicate.LE;
            default -> null;
        };
    }

    private static boolean holds(Predicate p, int c) {
        return switch (p) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case GE -> c >= 0;
            case GT -> c > 0;
            case LE -> c <= 0;
        };
    }

    private void branch(BranchInstruction br) {
        Opcode o = br.opcode();
        if (o == Opcode.GOTO || o == Opcode.GOTO_W) {
            ParallelLoop left = loopLeftBy(br.target());
            if (left != null) { // `break` out of a @Parallel loop
                b.jump(iterationEnd(left));
                live = false;
                return;
            }
            Block target = blockFor(br.target());
            recordEdge(target, state);
            b.jump(target);
            live = false;
            return;
        }
        Predicate p = predicateOf(o);
        if (p == null) {
            throw error("a reference comparison (`==` on objects or a null check)");
        }
        Value cond;
        ParallelLoop condLoop = null;
        if (o.name().startsWith("IF_ICMP")) {
            Value r = popValue();
            Value l = popValue();
            cond = b.compare(p, false, l, r);
            condLoop = parallelCondition(l, r, p, code.labelToBci(br.target()));
        } else {
            FrameValue s = state.pop();
            if (s instanceof PendingCompare pc) {
                cond = b.compare(p, holds(p, pc.nanResult()), pc.left(), pc.right());
            } else {
                cond = b.compare(p, false, valueOf(s), Constant.ofInt(0));
            }
        }
        Block target = blockFor(br.target());
        Block fallthrough = b.newBlock();
        if (condLoop != null) {
            Block exitPath =
                    condLoop == ctx.loops.getFirst() && !ctx.reductions.isEmpty() ? reductionEpilogue(target) : target;
            if (exitPath == target) {
                recordEdge(target, state);
            }
            b.branch(cond, exitPath, fallthrough);
        } else if (loopLeftBy(br.target()) != null) {
            b.branch(cond, iterationEnd(loopLeftBy(br.target())), fallthrough);
        } else {
            recordEdge(target, state);
            b.branch(cond, target, fallthrough);
        }
        b.setBlock(fallthrough);
    }

    /**
     * If this is the exit test of a @Parallel loop's header, records its bound and returns the loop. The bound may be
     * computed by an inlined call (`i < m.getNumRows()`), so the test may sit in a block after the header's.
     */
    private ParallelLoop parallelCondition(Value l, Value r, Predicate p, int targetBci) {
        if (!isKernel) {
            return null;
        }
        for (ParallelLoop loop : ctx.loops) {
            if (loop.header != null && !loop.conditionSeen && l.equals(loop.headerValue) && !loop.contains(targetBci)) {
                if (p != Predicate.GE && p != Predicate.GT) {
                    throw error("a @Parallel loop condition other than `i < end` or `i <= end`");
                }
                loop.conditionSeen = true;
                loop.endValue = r;
                loop.inclusive = p == Predicate.GT;
                return loop;
            }
        }
        return null;
    }

    private record PendingEpilogue(Block start, Block tail, Block exit, FrameState state) {}

    private final List<PendingEpilogue> epilogues = new ArrayList<>();

    /**
     * Work-group tree reduction of each @Reduce accumulator, then one atomic combine per group into result[0]. The
     * block is filled after the loop body has been parsed, when the operator is known.
     */
    private Block reductionEpilogue(Block exit) {
        Block start = b.newBlock();
        Block tail = b.newBlock();
        tail.setTerminator(new Terminator.Jump(exit));
        recordEdge(tail, exit, state);
        epilogues.add(new PendingEpilogue(start, tail, exit, state.copy()));
        return start;
    }

    private void lowerSwitch(Label defaultTarget, List<SwitchCase> cases) {
        Value v = popValue();
        for (SwitchCase c : cases) {
            checkBranchOutOfParallelLoop(c.target());
            Block target = blockFor(c.target());
            Block next = b.newBlock();
            recordEdge(target, state);
            b.branch(b.compare(Predicate.EQ, false, v, Constant.ofInt(c.caseValue())), target, next);
            b.setBlock(next);
        }
        checkBranchOutOfParallelLoop(defaultTarget);
        Block target = blockFor(defaultTarget);
        recordEdge(target, state);
        b.jump(target);
        live = false;
    }

    private void doReturn(ReturnInstruction r) {
        if (isKernel) {
            if (enclosingLoop() != null) {
                b.jump(iterationEnd(enclosingLoop()));
                live = false;
                return;
            }
            b.ret();
        } else {
            FrameValue value = r.typeKind() == TypeKind.VOID ? null : state.pop();
            if (value instanceof PendingCompare pc) {
                value = new Val(materialize(pc));
            }
            returns.add(new ReturnEdge(b.block(), value));
            b.jump(continuation);
        }
        live = false;
    }

    private void typeCheck(TypeCheckInstruction tc) {
        if (tc.opcode() == Opcode.CHECKCAST
                && state.peek() instanceof ArrayRef a
                && tc.type().asInternalName().equals(a.typeName())) {
            return;
        }
        if (tc.opcode() == Opcode.CHECKCAST
                && state.peek() instanceof Obj o
                && tc.type().asInternalName().equals(o.className())) {
            return;
        }
        throw error((tc.opcode() == Opcode.INSTANCEOF ? "`instanceof` " : "a cast to ")
                + tc.type().asInternalName().replace('/', '.'));
    }

    // ---------------------------------------------------------------- arrays

    /** Elements a private array may have: Java zero-fills it, which the kernel does with one store per element. */
    static final int MAX_PRIVATE_ARRAY = 1024;

    /** {@code new float[16]} in a kernel: a per-work-item array of a size known at compile time, zero-filled as in Java. */
    private void privateArray(NewPrimitiveArrayInstruction n) {
        Value count = popValue();
        String kind = n.typeKind().name().toLowerCase(java.util.Locale.ROOT);
        if (!(count instanceof Constant c) || c.longValue() <= 0 || c.longValue() > MAX_PRIVATE_ARRAY) {
            throw error(
                    "array allocation `new " + kind + "[]` whose size is not a constant from 1 to " + MAX_PRIVATE_ARRAY,
                    "(use KernelContext.allocate*LocalArray for work-group arrays, or pass the array as an argument)");
        }
        ScalarType t;
        String javaType;
        boolean unsigned = false;
        switch (n.typeKind()) {
            case INT -> {
                t = ScalarType.I32;
                javaType = "[I";
            }
            case FLOAT -> {
                t = ScalarType.F32;
                javaType = "[F";
            }
            case LONG -> {
                t = ScalarType.I64;
                javaType = "[J";
            }
            case DOUBLE -> {
                t = ScalarType.F64;
                javaType = "[D";
            }
            case SHORT -> {
                t = ScalarType.I16;
                javaType = "[S";
            }
            case CHAR -> {
                t = ScalarType.I16;
                javaType = "[C";
                unsigned = true;
            }
            case BYTE -> {
                t = ScalarType.I8;
                javaType = "[B";
            }
            case BOOLEAN -> {
                t = ScalarType.I8;
                javaType = "[Z";
            }
            default -> throw error("array allocation `new " + kind + "[]`");
        }
        state.push(privateArray(t, unsigned, javaType, (int) c.longValue()));
    }

    /** A zero-filled per-work-item array of {@code length} elements (Java zero-fills new arrays). */
    ArrayRef privateArray(ScalarType t, boolean unsigned, String javaType, int length) {
        Value base = b.privateArray(t, length);
        Value zero = switch (t) {
            case F32 -> Constant.ofFloat(0f);
            case F64 -> Constant.ofDouble(0.0);
            case I64 -> Constant.ofLong(0L);
            default -> b.convert(ConversionKind.NUMERIC, Constant.ofInt(0), t);
        };
        for (int i = 0; i < length; i++) {
            b.store(base, Constant.ofInt(i), zero);
        }
        return new ArrayRef(-1, javaType, base, Constant.ofInt(length), t, unsigned, false, -1);
    }

    /** Pushes array[index]; {@code widenHalf}: a HalfFloat element is converted to float (getFloat). */
    void arrayLoad(ArrayRef a, Value index, boolean widenHalf) {
        CompileContext.Reduction red = ctx.reductionOf(a);
        if (red != null) {
            if (enclosingLoop() == null) {
                throw error(
                        "a read of the @Reduce argument outside its @Parallel loop",
                        "(other work-groups are still combining into it; read the result on the host)");
            }
            requireZero(index);
            red.read = true;
            state.push(state.locals[a.accumulatorSlot()]);
            return;
        }
        ctx.markRead(a);
        Value v = b.load(a.base(), index);
        ScalarType t = a.element();
        if (t == ScalarType.I8 || t == ScalarType.I16) {
            v = b.convert(a.unsigned() ? ConversionKind.ZERO_EXTEND : ConversionKind.NUMERIC, v, ScalarType.I32);
        } else if (t == ScalarType.F16 && widenHalf) {
            v = b.convert(ConversionKind.NUMERIC, v, ScalarType.F32);
        }
        push(v);
    }

    void arrayStore(ArrayRef a, Value index, Value value) {
        CompileContext.Reduction red = ctx.reductionOf(a);
        if (red != null) {
            if (enclosingLoop() == null
                    && isKernel
                    && !ctx.loops.isEmpty()
                    && !ctx.loops.getFirst().started
                    && red.initialValue == null) {
                // TornadoVM's shape: `result.set(0, v)` before the @Parallel loop; v joins the reduction once
                red.initialValue = b.convert(ConversionKind.NUMERIC, value, a.element());
                return;
            }
            if (enclosingLoop() == null) {
                throw error(
                        "a write to the @Reduce argument outside its @Parallel loop",
                        "(other than one initial `result.set(0, v)` before it)");
            }
            requireZero(index);
            CompileContext.ReduceOp op = reduceOpOf(value, red);
            if (red.op != null && red.op != op) {
                throw error("a @Reduce argument updated with two different operators");
            }
            red.op = op;
            state.locals[a.accumulatorSlot()] = new Val(value);
            return;
        }
        ctx.markWrite(a);
        ScalarType t = a.element();
        b.store(a.base(), index, b.convert(ConversionKind.NUMERIC, value, t));
    }

    private void requireZero(Value index) {
        if (!(index instanceof Constant c) || c.bits() != 0) {
            throw error("an access to a @Reduce argument at an index other than 0");
        }
    }

    /** The operator of {@code result[0] = op(result[0], x)}: the stored value must combine the accumulator itself. */
    private CompileContext.ReduceOp reduceOpOf(Value v, CompileContext.Reduction red) {
        v = throughSingleInputPhis(v); // an inlined helper's result: `result.set(0, add(x, result.get(0)))`
        Object def = v instanceof Temp t ? findDefinition(t) : null;
        Value acc = ((Val) state.locals[red.array.accumulatorSlot()]).value();
        CompileContext.ReduceOp op = null;
        if (def instanceof Binary bin
                && bin.op() == BinaryOperator.ADD
                && (bin.left().equals(acc) || bin.right().equals(acc))) {
            op = CompileContext.ReduceOp.SUM;
        } else if (def instanceof Binary bin
                && bin.op() == BinaryOperator.MUL
                && (bin.left().equals(acc) || bin.right().equals(acc))) {
            op = CompileContext.ReduceOp.PRODUCT;
        } else if (def instanceof MathOp m && m.arguments().contains(acc)) {
            op = m.function() == MathFunction.MAX
                    ? CompileContext.ReduceOp.MAX
                    : m.function() == MathFunction.MIN ? CompileContext.ReduceOp.MIN : null;
        }
        if (op == null) {
            throw error(
                    "a @Reduce update other than `result[0] += x`, `result[0] *= x`, `Math.max(result[0], x)` or `Math.min(result[0], x)`");
        }
        return op;
    }

    private Value throughSingleInputPhis(Value v) {
        for (int hops = 0; hops < CompileContext.MAX_INLINE_DEPTH && v instanceof Temp t; hops++) {
            Phi single = null;
            for (Phi phi : b.block().phis()) {
                if (phi.result().equals(t) && phi.incoming().size() == 1) {
                    single = phi;
                }
            }
            if (single == null) {
                return v;
            }
            v = single.incoming().getFirst().value();
        }
        return v;
    }

    private Object findDefinition(Temp t) {
        for (io.squall.jit.ir.Instruction i : b.block().instructions()) {
            if (t.equals(i.result())) {
                return i;
            }
        }
        return ctx.function.definitions().get(t);
    }

    // ---------------------------------------------------------------- accessors for Intrinsics

    FrameState state() {
        return state;
    }

    CompileContext ctx() {
        return ctx;
    }

    IrBuilder builder() {
        return b;
    }

    ClassModel owner() {
        return owner;
    }

    /** Inlines a static call: the callee's blocks go between the current block and a continuation block. */
    void inline(ClassModel calleeClass, MethodModel callee, MethodTypeDesc type) {
        String key = calleeClass.thisClass().asInternalName() + "."
                + callee.methodName().stringValue() + type.descriptorString();
        String shown = calleeClass.thisClass().asInternalName().replace('/', '.') + "."
                + callee.methodName().stringValue();
        if (ctx.inlineStack.contains(key)) {
            throw error("recursion (`" + shown + "` calls itself)");
        }
        if (ctx.inlineStack.size() >= CompileContext.MAX_INLINE_DEPTH) {
            throw error("calls nested deeper than " + CompileContext.MAX_INLINE_DEPTH + " levels");
        }
        if (callee.code().isEmpty()) {
            throw error("a call to the native or abstract method `" + shown + "`");
        }
        FrameValue[] args = new FrameValue[type.parameterCount()];
        for (int i = args.length - 1; i >= 0; i--) {
            FrameValue s = state.pop();
            args[i] = s instanceof PendingCompare pc ? new Val(materialize(pc)) : s;
        }
        Block entry = b.newBlock();
        Block cont = b.newBlock();
        b.jump(entry);
        b.setBlock(entry);
        ctx.inlineStack.push(key);
        List<ReturnEdge> rets = new MethodParser(ctx, calleeClass, callee, false, cont, 0).parse(args);
        ctx.inlineStack.pop();
        b.setBlock(cont);
        ClassDesc ret = type.returnType();
        if (!ret.descriptorString().equals("V")) {
            Type rt = Intrinsics.stackType(ret);
            if (rt == null
                    && !rets.isEmpty()
                    && rets.getFirst().value() instanceof Val v
                    && v.value().type() instanceof VectorType vector) {
                rt = vector; // a helper returning a Float4/8/16 value: every return must give one of this type
            }
            if (rt == null
                    && !rets.isEmpty()
                    && rets.stream().allMatch(r -> r.value() == rets.getFirst().value())
                    && (rets.getFirst().value() instanceof Obj
                            || rets.getFirst().value() instanceof ArrayRef)) {
                state.push(rets.getFirst().value()); // every path returns the same vector/array object
                return;
            }
            if (rt == null) {
                throw error(
                        "a helper method returning `" + ret.displayName() + "`",
                        "is not supported in kernels unless every return gives the same array or vector object");
            }
            Phi phi = new Phi(ctx.function.newTemp(rt));
            for (ReturnEdge r : rets) {
                Value returned = valueOfReturned(r.value());
                if (!returned.type().equals(rt)) {
                    throw error("a helper method returning values of different types (" + rt + " and " + returned.type()
                            + ")");
                }
                phi.addIncoming(r.from(), returned);
            }
            cont.phis().add(phi);
            push(phi.result());
        }
    }

    private Value valueOfReturned(FrameValue s) {
        if (s instanceof Val v) {
            return v.value();
        }
        throw error("a helper method returning an array or object");
    }
}
