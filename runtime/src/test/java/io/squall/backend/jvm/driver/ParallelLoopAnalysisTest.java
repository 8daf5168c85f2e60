package io.squall.backend.jvm.driver;

import io.squall.api.annotations.Parallel;
import org.junit.jupiter.api.Test;

import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelLoopAnalysisTest {
    static void plain(float[] a, float[] b, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            b[i] = a[i] * 2;
        }
    }

    static void steppedInclusive(int[] out, int from, int to) {
        for (@Parallel int k = from; k <= to; k += 3) {
            out[k] = k;
        }
    }

    static void dataBound(int[] out, int[] bound) {
        for (@Parallel int i = 0; i < bound[0]; i++) {
            out[i] = i;
        }
    }

    static void nested(int[] out, int n) {
        for (@Parallel int row = 0; row < n; row++) {
            for (@Parallel int col = 0; col < n; col++) {
                out[row * n + col] = row;
            }
        }
    }

    static void sequential(int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
    }

    static void twoLoops(int[] a, int[] b) {
        for (@Parallel int i = 0; i < a.length; i++) {
            a[i] = 1;
        }
        for (@Parallel int i = 0; i < b.length; i++) {
            b[i] = 2;
        }
    }

    static void withBreak(int[] a) {
        for (@Parallel int i = 0; i < a.length; i++) {
            if (a[i] < 0) {
                break;
            }
            a[i] = 1;
        }
    }

    static void storeAfter(int[] a) {
        for (@Parallel int i = 0; i < a.length; i++) {
            a[i] = 1;
        }
        a[0] = 2;
    }

    private static ParallelLoopAnalysis.Outcome analyze(String name) {
        MethodModel m = ClassFiles.read(ParallelLoopAnalysisTest.class).orElseThrow().methods().stream()
                .filter(mm -> mm.methodName().equalsString(name))
                .findFirst()
                .orElseThrow();
        CodeModel code = m.code().orElseThrow();
        return ParallelLoopAnalysis.analyze(code, code.elementList());
    }

    private static ParallelLoopAnalysis.Loop loop(String name) {
        return assertInstanceOf(ParallelLoopAnalysis.Outcome.Splittable.class, analyze(name))
                .loop();
    }

    private static String reason(String name) {
        return assertInstanceOf(ParallelLoopAnalysis.Outcome.Unsplittable.class, analyze(name))
                .reason();
    }

    @Test
    void anInvariantBoundGivesABlockedSplit() {
        ParallelLoopAnalysis.Loop loop = loop("plain");
        assertEquals("i", loop.name());
        assertEquals(1, loop.step());
        assertFalse(loop.inclusive());
        assertTrue(loop.blocked());
        assertTrue(loop.nonNegativeStart());
        assertTrue(
                loop.initStore() < loop.start()
                        && loop.start() == loop.conditionLoad()
                        && loop.conditionLoad() < loop.exitBranch()
                        && loop.exitBranch() < loop.increment()
                        && loop.increment() < loop.end(),
                loop.toString());
    }

    @Test
    void stepInclusiveBoundAndStartAreRead() {
        ParallelLoopAnalysis.Loop loop = loop("steppedInclusive");
        assertEquals("k", loop.name());
        assertEquals(3, loop.step());
        assertTrue(loop.inclusive());
        assertTrue(loop.blocked());
        assertFalse(loop.nonNegativeStart(), "the start is a parameter, maybe negative");
    }

    @Test
    void aBoundReadFromMemoryGivesACyclicSplit() {
        assertFalse(loop("dataBound").blocked());
    }

    @Test
    void theOutermostOfNestedLoopsIsSplit() {
        assertEquals("row", loop("nested").name());
    }

    @Test
    void loopsThatCannotBeSplitSayWhy() {
        assertEquals("no @Parallel loop", reason("sequential"));
        assertEquals(
                "2 top-level @Parallel loops (runs sequentially so each loop sees the previous one's results)",
                reason("twoLoops"));
        assertEquals("the @Parallel loop has a break, or a jump out of it", reason("withBreak"));
        assertEquals("an array store outside the @Parallel loop", reason("storeAfter"));
    }
}
