package io.squall.jit.frontend;

import io.squall.api.annotations.Parallel;
import org.junit.jupiter.api.Test;

import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.LocalVariable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelScannerTest {
    static void nested(int[] out, int n, int m) {
        int unrelated = n * m;
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < m; j++) {
                out[i * m + j] = unrelated;
            }
        }
    }

    static void sequential(int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
    }

    static void twoLoops(int[] a, int[] b) {
        for (@Parallel int i = 0; i < a.length; i++) {
            a[i] = 1;
        }
        for (@Parallel int k = 0; k < b.length; k++) {
            b[k] = 2;
        }
    }

    private static CodeAttribute code(String method) {
        MethodModel m = ClassModels.load(
                        ParallelScannerTest.class.getName().replace('.', '/'),
                        ParallelScannerTest.class.getClassLoader())
                .methods()
                .stream()
                .filter(mm -> mm.methodName().equalsString(method))
                .findFirst()
                .orElseThrow();
        return (CodeAttribute) m.code().orElseThrow();
    }

    /** The LocalVariableTable's slot for {@code name} (javac -g), an independent record of where the variable lives. */
    private static int slotOf(CodeModel code, String name) {
        return code.elementStream()
                .filter(e -> e instanceof LocalVariable lv && lv.name().equalsString(name))
                .map(e -> ((LocalVariable) e).slot())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void findsEveryParallelVariableWithItsSlotAndLiveRange() {
        CodeAttribute code = code("nested");
        List<ParallelScanner.Variable> found = ParallelScanner.variables(code, code::labelToBci);
        assertEquals(2, found.size(), found.toString());
        ParallelScanner.Variable i = found.stream()
                .filter(v -> v.slot() == slotOf(code, "i"))
                .findFirst()
                .orElseThrow();
        ParallelScanner.Variable j = found.stream()
                .filter(v -> v.slot() == slotOf(code, "j"))
                .findFirst()
                .orElseThrow();
        assertTrue(j.within(i), i + " should enclose " + j);
        assertFalse(i.within(j));
        assertTrue(i.start() > 0 && i.end() <= code.codeLength(), i.toString());
    }

    @Test
    void sequentialLoopsAndSiblingLoopsAreToldApart() {
        CodeAttribute plain = code("sequential");
        assertEquals(List.of(), ParallelScanner.variables(plain, plain::labelToBci));

        CodeAttribute two = code("twoLoops");
        List<ParallelScanner.Variable> found = ParallelScanner.variables(two, two::labelToBci);
        assertEquals(2, found.size(), found.toString());
        assertFalse(found.get(0).within(found.get(1)) || found.get(1).within(found.get(0)), found.toString());
    }

    @Test
    void rangesWhosePositionIsUnknownAreLeftOut() {
        CodeAttribute code = code("nested");
        assertEquals(List.of(), ParallelScanner.variables(code, label -> -1));
    }
}
