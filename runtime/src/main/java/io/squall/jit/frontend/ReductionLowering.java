package io.squall.jit.frontend;

import io.squall.jit.frontend.FrameValue.Val;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.Value;

import java.util.List;

/**
 * Code after a @Reduce loop: each work-item's private accumulator goes into local memory, a tree reduction over the
 * work-group (fixed size {@link CompileContext#REDUCTION_GROUP_SIZE}, unrolled), then work-item 0 combines the group's
 * value into result[0] with one atomic. Together: result[0] = result[0] op (all elements), as the sequential loop.
 */
final class ReductionLowering {
    private ReductionLowering() {}

    static void emit(CompileContext ctx, Block start, Block tail, FrameState state, MethodParser p) {
        IrBuilder b = ctx.builder;
        b.setBlock(start);
        int size = CompileContext.REDUCTION_GROUP_SIZE;
        Value lid = b.workItem(WorkItemQuery.LOCAL_ID, 0);
        for (CompileContext.Reduction r : ctx.reductions) {
            if (r.untouched() || r.readOnly()) {
                continue; // TornadoVM leaves a @Reduce argument the loop never updates as it is
            }
            Value acc = ((Val) state.locals[r.array.accumulatorSlot()]).value();
            Value scratch = b.localArray(r.array.element(), size);
            b.store(scratch, lid, acc);
            b.barrier(BarrierScope.LOCAL);
            for (int stride = size / 2; stride > 0; stride /= 2) {
                Block step = b.newBlock();
                Block after = b.newBlock();
                b.branch(b.compare(Predicate.LT, false, lid, Constant.ofInt(stride)), step, after);
                b.setBlock(step);
                Value mine = b.load(scratch, lid);
                Value other = b.load(scratch, b.binary(BinaryOperator.ADD, lid, Constant.ofInt(stride)));
                b.store(scratch, lid, combine(b, r, mine, other, p));
                b.jump(after);
                b.setBlock(after);
                b.barrier(BarrierScope.LOCAL);
            }
            Block leader = b.newBlock();
            Block done = b.newBlock();
            b.branch(b.compare(Predicate.EQ, false, lid, Constant.ofInt(0)), leader, done);
            b.setBlock(leader);
            AtomicOperator op = switch (r.op) {
                case SUM -> AtomicOperator.ADD;
                case MAX -> AtomicOperator.MAX;
                case MIN -> AtomicOperator.MIN;
                case PRODUCT -> AtomicOperator.MUL;
            };
            Value partial = b.load(scratch, Constant.ofInt(0));
            if (r.initialValue != null && !(r.initialValue instanceof Constant)) {
                // the kernel's computed initial value, combined by work-group 0 only (a constant one the launcher
                // writes)
                Value first = b.compare(Predicate.EQ, false, b.workItem(WorkItemQuery.GROUP_ID, 0), Constant.ofInt(0));
                partial = b.select(first, combine(b, r, partial, r.initialValue, p), partial);
            }
            b.atomic(op, r.array.base(), Constant.ofInt(0), partial);
            ctx.markRead(r.array); // the atomic combines with the initial result[0]
            ctx.markWrite(r.array);
            b.jump(done);
            b.setBlock(done);
        }
        b.jump(tail);
    }

    private static Value combine(IrBuilder b, CompileContext.Reduction r, Value x, Value y, MethodParser p) {
        if (r.op == null) {
            throw p.error("a @Reduce argument that the loop never updates");
        }
        return switch (r.op) {
            case SUM -> b.binary(BinaryOperator.ADD, x, y);
            case MAX -> b.math(MathFunction.MAX, List.of(x, y));
            case MIN -> b.math(MathFunction.MIN, List.of(x, y));
            case PRODUCT -> b.binary(BinaryOperator.MUL, x, y);
        };
    }
}
