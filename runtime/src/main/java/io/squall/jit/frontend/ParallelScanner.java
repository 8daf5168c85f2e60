package io.squall.jit.frontend;

import io.squall.api.annotations.Parallel;

import java.lang.classfile.Attributes;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Label;
import java.lang.classfile.TypeAnnotation;
import java.lang.constant.ClassDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Finds a method's {@code @Parallel} loop variables: javac records {@code for (@Parallel int i = ...)} as a type
 * annotation on the local variable (RuntimeVisibleTypeAnnotations of the Code attribute), with the code range where
 * the variable lives, which is the loop. The one scanner of the JIT frontend and of the JVM backend, so both see the
 * same loops.
 */
public final class ParallelScanner {
    private static final ClassDesc PARALLEL = Parallel.class.describeConstable().orElseThrow();

    /**
     * One annotated variable: its local slot and the positions where it is live, {@code start} inclusive and
     * {@code end} exclusive (over all its ranges, in the unit of the caller's position function).
     */
    public record Variable(int slot, int start, int end) {
        /** Whether this variable's range lies within {@code other}'s (equal ranges included). */
        public boolean within(Variable other) {
            return other.start <= start && end <= other.end;
        }
    }

    private ParallelScanner() {}

    /**
     * The {@code @Parallel} variables of {@code code}, in class-file order.
     *
     * @param position a label's position in the caller's unit (bytecode offset, element index); negative when unknown,
     *                 and ranges with an unknown end are left out
     */
    public static List<Variable> variables(CodeModel code, ToIntFunction<Label> position) {
        List<Variable> found = new ArrayList<>();
        code.findAttribute(Attributes.runtimeVisibleTypeAnnotations()).ifPresent(attribute -> {
            for (TypeAnnotation annotation : attribute.annotations()) {
                if (annotation.targetInfo() instanceof TypeAnnotation.LocalVarTarget target
                        && annotation.annotation().classSymbol().equals(PARALLEL)) {
                    int start = Integer.MAX_VALUE;
                    int end = -1;
                    for (TypeAnnotation.LocalVarTargetInfo info : target.table()) {
                        int from = position.applyAsInt(info.startLabel());
                        int to = position.applyAsInt(info.endLabel());
                        if (from >= 0 && to >= 0) {
                            start = Math.min(start, from);
                            end = Math.max(end, to);
                        }
                    }
                    if (end >= 0) {
                        found.add(new Variable(target.table().getFirst().index(), start, end));
                    }
                }
            }
        });
        return found;
    }
}
