package io.squall.backend.jvm.driver;

import io.squall.jit.frontend.ParallelScanner;

import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a loop-parallel kernel's outermost {@code @Parallel} loop (as {@link ParallelScanner} finds it) can be
 * split between workers: only a loop of the shape javac emits for
 * {@code for (@Parallel int i = init; i < bound (or <=); i += c)}, with no other exits, no writes to memory or calls
 * with effects outside it, not nested in a sequential loop. The split is blocked when the bound is loop-invariant, else
 * cyclic. {@link ParallelLoopTransformer} generates the split copy.
 */
final class ParallelLoopAnalysis {
    /** Either the loop to split or the reason the kernel runs sequentially. */
    sealed interface Outcome {
        record Splittable(Loop loop) implements Outcome {}

        record Unsplittable(String reason) implements Outcome {}
    }

    /** The loop found in the element list of the method's code (indices into it). */
    record Loop(
            int slot,
            int initStore,
            int start,
            int end,
            int conditionLoad,
            int exitBranch,
            boolean inclusive,
            int increment,
            int step,
            boolean blocked,
            boolean nonNegativeStart,
            String name) {}

    private ParallelLoopAnalysis() {}

    /** The loop to split, or why the method cannot be split. */
    static Outcome analyze(CodeModel code, List<CodeElement> elements) {
        // A label's position: the index of the first instruction at or after it (labels at one bytecode offset are
        // equal).
        Map<Label, Integer> labelIndex = new HashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i) instanceof LabelTarget target) {
                int position = nextInstruction(elements, i);
                labelIndex.put(target.label(), position < 0 ? elements.size() : position);
            }
        }
        List<ParallelScanner.Variable> ranges =
                ParallelScanner.variables(code, label -> labelIndex.getOrDefault(label, -1));
        if (ranges.isEmpty()) {
            return unsplittable("no @Parallel loop");
        }
        List<ParallelScanner.Variable> outermost = new ArrayList<>();
        for (ParallelScanner.Variable r : ranges) {
            boolean nested = false;
            for (ParallelScanner.Variable other : ranges) {
                if (other != r && r.within(other) && !sameRange(other, r)) {
                    nested = true;
                }
            }
            if (!nested && outermost.stream().noneMatch(o -> sameRange(o, r))) {
                outermost.add(r);
            }
        }
        if (outermost.size() > 1) {
            return unsplittable(outermost.size()
                    + " top-level @Parallel loops (runs sequentially so each loop sees the previous one's results)");
        }
        int slot = outermost.getFirst().slot();
        int start = outermost.getFirst().start();
        int end = outermost.getFirst().end();

        int initStore = previousInstruction(elements, start);
        if (start < 0 || start >= elements.size()) {
            return unsplittable("the @Parallel variable's range is empty");
        }
        if (initStore < 0
                || !(elements.get(initStore) instanceof StoreInstruction store)
                || store.slot() != slot
                || store.typeKind() != TypeKind.INT) {
            return unsplittable("the @Parallel loop does not start with a store of its int variable");
        }
        int conditionLoad = start;
        if (conditionLoad < 0
                || !(elements.get(conditionLoad) instanceof LoadInstruction load)
                || load.slot() != slot) {
            return unsplittable(
                    "the @Parallel loop's condition does not start with a load of its variable (i < bound expected)");
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
            return unsplittable("the @Parallel loop has no exit test");
        }
        BranchInstruction exit = (BranchInstruction) elements.get(exitBranch);
        boolean inclusive;
        if (exit.opcode() == Opcode.IF_ICMPGE) {
            inclusive = false;
        } else if (exit.opcode() == Opcode.IF_ICMPGT) {
            inclusive = true;
        } else {
            return unsplittable("the @Parallel loop's condition is not i < bound or i <= bound");
        }
        if (labelIndex.get(exit.target()) < end) {
            return unsplittable("the @Parallel loop's condition does not exit the loop");
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
                            return unsplittable("the @Parallel loop variable is changed in the loop body");
                        }
                        increment = i;
                        step = inc.constant();
                    }
                }
                case StoreInstruction st -> {
                    storedSlots.add(st.slot());
                    if (st.slot() == slot) {
                        return unsplittable("the @Parallel loop variable is assigned in the loop body");
                    }
                }
                case BranchInstruction branch -> {
                    int target = labelIndex.get(branch.target());
                    if (i != exitBranch && (target < start || target >= end)) {
                        return unsplittable("the @Parallel loop has a break, or a jump out of it");
                    }
                }
                case TableSwitchInstruction ts -> {
                    if (!inside(ts.defaultTarget(), start, end, labelIndex)
                            || ts.cases().stream().anyMatch(c -> !inside(c.target(), start, end, labelIndex))) {
                        return unsplittable("the @Parallel loop has a jump out of it");
                    }
                }
                case LookupSwitchInstruction ls -> {
                    if (!inside(ls.defaultTarget(), start, end, labelIndex)
                            || ls.cases().stream().anyMatch(c -> !inside(c.target(), start, end, labelIndex))) {
                        return unsplittable("the @Parallel loop has a jump out of it");
                    }
                }
                case ReturnInstruction ret -> {
                    return unsplittable("the @Parallel loop contains a return");
                }
                case InvokeInstruction call
                when call.owner().asInternalName().equals("java/util/concurrent/atomic/AtomicInteger") -> {
                    // in order, the counter's values follow the iterations (what TornadoVM's tests of atomics compare
                    // with a sequential run; devices give them in no particular order)
                    return unsplittable("the @Parallel loop updates an AtomicInteger");
                }
                default -> {}
            }
        }
        if (increment < 0) {
            return unsplittable("the @Parallel loop has no i++ / i += c step");
        }
        // Outside the loop: nothing that writes memory (every worker runs it), no enclosing loop.
        for (int i = 0; i < elements.size(); i++) {
            if (i >= initStore && i < end) {
                continue;
            }
            String effect = effect(elements, i, labelIndex);
            if (effect != null) {
                return unsplittable(effect + " outside the @Parallel loop");
            }
        }
        boolean blocked = bound.stream().allMatch(ins -> invariant(ins, slot, storedSlots));
        int initValue = previousInstruction(elements, initStore);
        boolean nonNegativeStart = initValue >= 0
                && elements.get(initValue) instanceof ConstantInstruction c
                && c.constantValue() instanceof Integer value
                && value >= 0;
        return new Outcome.Splittable(new Loop(
                slot,
                initStore,
                start,
                end,
                conditionLoad,
                exitBranch,
                inclusive,
                increment,
                step,
                blocked,
                nonNegativeStart,
                variableName(elements, slot, start, labelIndex)));
    }

    private static boolean inside(Label label, int start, int end, Map<Label, Integer> labelIndex) {
        int target = labelIndex.get(label);
        return target >= start && target < end;
    }

    /** What the element at {@code index} does that every worker would repeat, or null. */
    private static String effect(List<CodeElement> elements, int index, Map<Label, Integer> labelIndex) {
        return switch (elements.get(index)) {
            case OperatorInstruction op -> null;
            case ArrayStoreInstruction store -> "an array store";
            case FieldInstruction field
            when field.opcode() == Opcode.PUTFIELD || field.opcode() == Opcode.PUTSTATIC -> "a field store";
            case InvokeInstruction invoke
            when !pure(invoke) ->
                "a call to " + invoke.owner().asInternalName() + "."
                        + invoke.name().stringValue();
            case MonitorInstruction monitor -> "synchronization";
            case BranchInstruction branch
            when labelIndex.get(branch.target()) < index -> "a loop around the @Parallel loop";
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
            case "java/lang/Math",
                    "java/lang/StrictMath",
                    "io/squall/api/math/TornadoMath",
                    "io/squall/api/types/HalfFloat",
                    "java/lang/Float",
                    "java/lang/Double",
                    "java/lang/Integer",
                    "java/lang/Long",
                    "java/lang/Short",
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

    /** The loop variable's source name from the LocalVariableTable (javac -g), else its slot. */
    private static String variableName(
            List<CodeElement> elements, int slot, int start, Map<Label, Integer> labelIndex) {
        for (CodeElement e : elements) {
            if (e instanceof LocalVariable lv && lv.slot() == slot && labelIndex.get(lv.startScope()) == start) {
                return lv.name().stringValue();
            }
        }
        return "local " + slot;
    }

    private static Outcome unsplittable(String reason) {
        return new Outcome.Unsplittable(reason);
    }

    private static boolean sameRange(ParallelScanner.Variable a, ParallelScanner.Variable b) {
        return a.start() == b.start() && a.end() == b.end();
    }
}
