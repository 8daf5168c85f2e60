package io.squall.jit;

import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.PointerType;

import java.util.List;

/** A compiled, backend-independent kernel: the IR plus what a launcher needs to bind and size it. */
public final class Kernel {
    public enum Shape {
        PARALLEL_LOOPS,
        KERNEL_CONTEXT,
        SINGLE_THREAD
    }

    public enum Access {
        NONE,
        READ,
        WRITE,
        READ_WRITE
    }

    /**
     * One parallel dimension: a @Parallel loop {@code for (i = start; i < end (or <= end); i += step)}, step >= 1, whose
     * iterations run over [start, end) (or [start, end] when inclusive).
     */
    public record LoopBound(IterationExpr start, IterationExpr end, boolean inclusive, int step) {
        public LoopBound(IterationExpr start, IterationExpr end, boolean inclusive) {
            this(start, end, inclusive, 1);
        }
    }

    /**
     * A @Reduce argument's element 0 set to {@code value} before the launch: TornadoVM's {@code result.set(0, v)} before
     * the loop, with a constant v. Every work-group combines into result[0] atomically, in no order, so v cannot be
     * combined in the kernel unless result[0] already holds the operator's identity; the launcher writes it instead.
     */
    public record ReductionStart(int javaArgIndex, io.squall.jit.ir.Constant value) {}

    /**
     * A value a launch binds after the task's arguments: operand k has javaArgIndex = (number of arguments) + k, so the
     * launchers bind it as they bind an argument (see {@link #operandValues}).
     */
    public sealed interface Operand {}

    /** The field {@code field} of the receiver (argument 0) of an instance-method task, as it is at each launch. */
    public record ReceiverField(java.lang.reflect.Field field) implements Operand {}

    /**
     * A {@code new AtomicInteger(v)} of the kernel: one int in global memory shared by every work-item (TornadoVM's
     * semantics), set to v (a function of the arguments) before each launch. Bound as an AtomicInteger the executor keeps.
     */
    public record Counter(IterationExpr initialValue, int line) implements Operand {}

    private List<ReductionStart> reductionStarts = List.of();
    private List<Operand> operands = List.of();
    private final String javaName;
    private final String entryName;
    private final Shape shape;
    private final List<LoopBound> loops;
    private List<KernelParam> params;
    private List<CheckSite> checkSites = List.of();
    private final List<Access> access;
    private final int[] requiredLocalSize;
    private final Function ir;
    private final CompileOptions options;

    public Kernel(
            String javaName,
            String entryName,
            Shape shape,
            List<LoopBound> loops,
            List<KernelParam> params,
            List<Access> access,
            int[] requiredLocalSize,
            Function ir,
            CompileOptions options) {
        this.javaName = javaName;
        this.entryName = entryName;
        this.shape = shape;
        this.loops = List.copyOf(loops);
        this.params = List.copyOf(params);
        this.access = List.copyOf(access);
        this.requiredLocalSize = requiredLocalSize;
        this.ir = ir;
        this.options = options;
    }

    public List<ReductionStart> reductionStarts() {
        return reductionStarts;
    }

    public void setReductionStarts(List<ReductionStart> starts) {
        this.reductionStarts = List.copyOf(starts);
    }

    /** The values bound after the Java arguments, in order (empty for most kernels). */
    public List<Operand> operands() {
        return operands;
    }

    public void setOperands(List<Operand> operands) {
        this.operands = List.copyOf(operands);
    }

    /**
     * The task's arguments followed by the kernel's operands: receiver fields read from {@code args[0]} now, counters
     * given by {@code counter} (the object that holds each one on the host).
     */
    public Object[] operandValues(Object[] args, java.util.function.Function<Counter, Object> counter) {
        if (operands.isEmpty()) {
            return args;
        }
        Object[] all = java.util.Arrays.copyOf(args, args.length + operands.size());
        for (int k = 0; k < operands.size(); k++) {
            all[args.length + k] = switch (operands.get(k)) {
                case ReceiverField f -> ReceiverFields.read(f.field(), args[0], javaName);
                case Counter c -> counter.apply(c);
            };
        }
        return all;
    }

    public String javaName() {
        return javaName;
    }

    public String entryName() {
        return entryName;
    }

    public Shape shape() {
        return shape;
    }

    /** Parallel dimensions (1..3) of a loop-parallel kernel, 0 otherwise. */
    public int dimensions() {
        return shape == Shape.PARALLEL_LOOPS ? loops.size() : 0;
    }

    public List<LoopBound> loopBounds() {
        return loops;
    }

    /** Trip count per parallel dimension for these arguments; null when not a loop kernel or not evaluable. */
    public long[] iterationSpace(Object[] args) {
        if (shape != Shape.PARALLEL_LOOPS) {
            return null;
        }
        long[] space = new long[loops.size()];
        for (int d = 0; d < space.length; d++) {
            LoopBound loop = loops.get(d);
            Long start = loop.start().evaluate(args);
            Long end = loop.end().evaluate(args);
            if (start == null || end == null) {
                return null;
            }
            long span = Math.max(0, end - start + (loop.inclusive() ? 1 : 0));
            space[d] = (span + loop.step() - 1) / loop.step();
        }
        return space;
    }

    public List<KernelParam> params() {
        return params;
    }

    /** The operations checked by the code (numbered as the error buffer reports them); empty unless compiled with REPORT. */
    public List<CheckSite> checkSites() {
        return checkSites;
    }

    /** The ERROR_BUFFER parameter, or null when the code reports nothing. */
    public KernelParam errorBuffer() {
        return params.stream()
                .filter(p -> p.kind() == KernelParam.Kind.ERROR_BUFFER)
                .findFirst()
                .orElse(null);
    }

    /** Adds the error buffer as the last parameter and the sites the code reports (by the checking pass). */
    public void addChecks(KernelParam errorBuffer, List<CheckSite> sites) {
        if (errorBuffer() != null) {
            throw new IllegalStateException("kernel " + javaName + " already has an error buffer");
        }
        List<KernelParam> all = new java.util.ArrayList<>(params);
        all.add(errorBuffer);
        this.params = List.copyOf(all);
        this.checkSites = List.copyOf(sites);
    }

    /** How the kernel uses Java argument {@code javaArgIndex} (NONE for scalars and unused arrays). */
    public Access access(int javaArgIndex) {
        return access.get(javaArgIndex);
    }

    /** Work-group size the code relies on (reductions), or null when any size works. */
    public int[] requiredLocalSize() {
        return requiredLocalSize == null ? null : requiredLocalSize.clone();
    }

    public Function ir() {
        return ir;
    }

    /** -1 until {@link #privateArrayBytes} first runs: launches ask for it every time. */
    private volatile long privateArrayBytes = -1;

    /** Bytes of the per-work-item (private) arrays the kernel allocates, summed over its IR once. */
    public long privateArrayBytes() {
        long bytes = privateArrayBytes;
        if (bytes < 0) {
            bytes = 0;
            for (Block block : ir.blocks()) {
                for (Instruction i : block.instructions()) {
                    if (i instanceof Instruction.LocalArray a
                            && a.result().type() instanceof PointerType p
                            && p.space() == AddressSpace.PRIVATE) {
                        bytes += (long) a.length() * p.element().bytes();
                    }
                }
            }
            privateArrayBytes = bytes;
        }
        return bytes;
    }

    public CompileOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "Kernel[" + javaName + ", " + shape + ", dims=" + dimensions() + "]";
    }
}
