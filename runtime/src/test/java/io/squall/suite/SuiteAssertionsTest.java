package io.squall.suite;

import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.LongArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison every suite test relies on must reject what it should, or those tests could not fail. */
class SuiteAssertionsTest {
    private static SuiteCase comparingArg0(double tolerance) {
        return new SuiteCase("c", null, () -> new Object[0], null, a -> {}, new int[] {0}, tolerance);
    }

    private static FloatArray floats(float... v) {
        FloatArray a = new FloatArray(v.length);
        for (int i = 0; i < v.length; i++) {
            a.set(i, v[i]);
        }
        return a;
    }

    @Test
    void floatsMatchWithinTheRelativeToleranceOnly() {
        SuiteCase c = comparingArg0(1e-3);
        assertNull(SuiteAssertions.mismatch(
                c, new Object[] {floats(1000f, 0.5f)}, new Object[] {floats(1000.5f, 0.5005f)}));
        String problem =
                SuiteAssertions.mismatch(c, new Object[] {floats(1000f, 0.5f)}, new Object[] {floats(1000f, 0.502f)});
        assertNotNull(problem);
        assertTrue(problem.startsWith("arg 0[1]"), problem);
    }

    @Test
    void zeroToleranceIsExactAndNaNMatchesOnlyNaN() {
        SuiteCase c = comparingArg0(0);
        assertNotNull(SuiteAssertions.mismatch(c, new Object[] {new int[] {1, 2}}, new Object[] {new int[] {1, 3}}));
        assertNull(SuiteAssertions.mismatch(c, new Object[] {floats(Float.NaN)}, new Object[] {floats(Float.NaN)}));
        assertNotNull(SuiteAssertions.mismatch(c, new Object[] {floats(Float.NaN)}, new Object[] {floats(0f)}));
        assertNotNull(SuiteAssertions.mismatch(c, new Object[] {floats(1f, 2f)}, new Object[] {floats(1f)}));
    }

    @Test
    void longsCompareExactlyAboveTwoToThe53() {
        LongArray e = new LongArray(1), a = new LongArray(1);
        e.set(0, (1L << 60) + 1);
        a.set(0, 1L << 60);
        assertNotNull(SuiteAssertions.mismatch(comparingArg0(1e-3), new Object[] {e}, new Object[] {a}));
    }

    @Test
    void copyIsDeep() {
        FloatArray original = floats(1f);
        Object[] copy = SuiteAssertions.copy(new Object[] {original, 7});
        ((FloatArray) copy[0]).set(0, 2f);
        assertEquals(1f, original.get(0));
        assertNotEquals(original, copy[0]);
        assertEquals(7, copy[1]);
    }
}
