package io.squall.backend.ptx.codegen;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The software math of the PTX backend, run through {@link PtxInterpreter}, against StrictMath: ulp error bounds
 * on random arguments (the figures PtxMath's documentation states) and Java's results exactly on special values.
 */
class PtxMathAccuracyTest {
    private static final double[] SPECIALS = {
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        -2.0,
        0.5,
        -0.5,
        Double.MIN_VALUE,
        -Double.MIN_VALUE,
        Double.MIN_NORMAL,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        3.0,
        -3.0,
        1e-300,
        1e300,
        709.78,
        -745.1,
        710,
        -746,
        1e-10,
        0.55,
        -0.55,
        22.0,
        100.0
    };

    private static PtxInterpreter function(String fn) {
        PtxMath m = new PtxMath();
        m.function(fn);
        return new PtxInterpreter(m.definitions());
    }

    private static double call(PtxInterpreter f, double... x) {
        long[] bits = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            bits[i] = Double.doubleToRawLongBits(x[i]);
        }
        return Double.longBitsToDouble(f.run(bits));
    }

    /** Distance in units in the last place (0 when both NaN or identical, huge when signs or specials differ). */
    static long ulps(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Long.MAX_VALUE;
        }
        if (expected == actual) {
            return Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(actual)
                    ? 0
                    : Long.MAX_VALUE; // signed zeros
        }
        long a = ordered(expected), b = ordered(actual);
        return Math.abs(a - b);
    }

    private static long ordered(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }

    private static long floatUlps(double expected, double actual) {
        float e = (float) expected, a = (float) actual;
        if (Float.isNaN(e) || Float.isNaN(a)) {
            return Float.isNaN(e) && Float.isNaN(a) ? 0 : Long.MAX_VALUE;
        }
        if (e == a) {
            return Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a) ? 0 : Long.MAX_VALUE;
        }
        int x = Float.floatToRawIntBits(e), y = Float.floatToRawIntBits(a);
        long ox = x < 0 ? Integer.MIN_VALUE - (long) x : x, oy = y < 0 ? Integer.MIN_VALUE - (long) y : y;
        return Math.abs(ox - oy);
    }

    /** Special arguments beyond this magnitude are skipped for sin/cos/tan (documented: accurate below about 2^30). */
    private static final double TRIG_RANGE = 0x1p30;

    private static void unary(String fn, DoubleUnaryOperator reference, double lo, double hi, long maxUlps) {
        PtxInterpreter f = function(fn);
        boolean trig = fn.equals("sin") || fn.equals("cos") || fn.equals("tan");
        for (double x : SPECIALS) {
            if (trig && Double.isFinite(x) && Math.abs(x) > TRIG_RANGE) {
                continue;
            }
            double e = reference.applyAsDouble(x), a = call(f, x);
            boolean special = Double.isNaN(e)
                    || Double.isInfinite(e)
                    || e == 0
                    || Double.isInfinite(x)
                    || Double.isNaN(x)
                    || x == 0;
            long u = ulps(e, a);
            assertTrue(special ? u == 0 : u <= maxUlps, fn + "(" + x + "): expected " + e + ", got " + a);
        }
        Random r = new Random(fn.hashCode());
        long worst = 0;
        double worstX = 0;
        for (int i = 0; i < 6000; i++) {
            double x = i % 3 == 0
                    ? lo + (hi - lo) * r.nextDouble()
                    : (r.nextDouble() * 2 - 1) * Math.pow(2, r.nextInt(12) - 8);
            if (x < lo || x > hi) {
                continue;
            }
            double e = reference.applyAsDouble(x), a = call(f, x);
            long u = ulps(e, a);
            if (u > worst) {
                worst = u;
                worstX = x;
            }
            assertTrue(
                    floatUlps(reference.applyAsDouble((float) x), call(f, (float) x)) <= 1,
                    fn + " on float " + (float) x);
        }
        System.out.println(
                "PTX " + fn + ": max error " + worst + " ulp (at " + worstX + ") over [" + lo + ", " + hi + "]");
        assertTrue(worst <= maxUlps, fn + ": " + worst + " ulp at " + worstX + " exceeds " + maxUlps);
    }

    @Test
    void exp() {
        unary("exp", StrictMath::exp, -708, 709, 2);
    }

    @Test
    void log() {
        unary("log", StrictMath::log, 1e-300, 1e300, 2);
        PtxInterpreter f = function("log");
        assertEquals(
                StrictMath.log(Double.MIN_VALUE),
                call(f, Double.MIN_VALUE),
                Math.ulp(StrictMath.log(Double.MIN_VALUE)) * 2);
        assertEquals(StrictMath.log(3e-310), call(f, 3e-310), Math.ulp(StrictMath.log(3e-310)) * 2);
    }

    @Test
    void log2() {
        unary("log2", x -> StrictMath.log(x) / StrictMath.log(2), 1e-300, 1e300, 3);
    }

    @Test
    void sinCosTan() {
        unary("sin", StrictMath::sin, -1e5, 1e5, 2);
        unary("cos", StrictMath::cos, -1e5, 1e5, 2);
        unary("tan", StrictMath::tan, -1e5, 1e5, 4);
    }

    @Test
    void atanAndTanh() {
        unary("atan", StrictMath::atan, -1e10, 1e10, 2);
        unary("tanh", StrictMath::tanh, -30, 30, 4);
    }

    /** Allowed ulp error for arguments (x, y); pow's grows with |y ln x|. */
    private interface Bound {
        double ulps(double x, double y);
    }

    private static void binary(
            String fn, DoubleBinaryOperator reference, double xlo, double xhi, double ylo, double yhi, Bound bound) {
        long maxUlps = (long) bound.ulps(1, 1);
        PtxInterpreter f = function(fn);
        for (double x : SPECIALS) {
            for (double y : SPECIALS) {
                double e = reference.applyAsDouble(x, y), a = call(f, x, y);
                boolean special = Double.isNaN(e)
                        || Double.isInfinite(e)
                        || e == 0
                        || !Double.isFinite(x)
                        || !Double.isFinite(y)
                        || x == 0
                        || y == 0;
                long u = ulps(e, a);
                if (fn.equals("pow") && !special) {
                    continue; // pow's error grows with |y ln x|: the random sweep checks it
                }
                assertTrue(
                        special ? u == 0 : u <= maxUlps, fn + "(" + x + ", " + y + "): expected " + e + ", got " + a);
            }
        }
        Random r = new Random(fn.hashCode());
        long worst = 0;
        for (int i = 0; i < 6000; i++) {
            double x = xlo + (xhi - xlo) * r.nextDouble(), y = ylo + (yhi - ylo) * r.nextDouble();
            long u = ulps(reference.applyAsDouble(x, y), call(f, x, y));
            worst = Math.max(worst, u);
            assertTrue(u <= bound.ulps(x, y), fn + "(" + x + ", " + y + "): " + u + " ulp exceeds " + bound.ulps(x, y));
            float fx = (float) x, fy = (float) y;
            assertTrue(
                    floatUlps(reference.applyAsDouble(fx, fy), call(f, fx, fy)) <= 1,
                    fn + " on floats " + fx + ", " + fy);
        }
        System.out.println("PTX " + fn + ": max error " + worst + " ulp");
    }

    @Test
    void atan2() {
        binary("atan2", StrictMath::atan2, -100, 100, -100, 100, (x, y) -> 2);
    }

    @Test
    void pow() {
        // documented: relative error about 2^-52 * |y ln x| (ulps of the result), plus a few ulp
        binary("pow", StrictMath::pow, 0, 100, -50, 50, (x, y) -> 4 + 2 * Math.abs(y * Math.log(Math.abs(x))));
        PtxInterpreter f = function("pow");
        assertEquals(-8.0, call(f, -2, 3));
        assertEquals(0.25, call(f, -2, -2));
        assertTrue(Double.isNaN(call(f, -2, 0.5)));
    }

    @Test
    void fmodIsExact() {
        PtxMath m = new PtxMath();
        m.fmod("f64");
        PtxInterpreter f64 = new PtxInterpreter(m.definitions());
        PtxMath m32 = new PtxMath();
        m32.fmod("f32");
        PtxInterpreter f32 = new PtxInterpreter(m32.definitions());
        Random r = new Random(5);
        for (int i = 0; i < 3000; i++) {
            double x = (r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(40) - 20),
                    y = (r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(40) - 20);
            assertEquals(0, ulps(x % y, call(f64, x, y)), x + " % " + y);
            float fx = (float) x, fy = (float) y;
            float got = Float.intBitsToFloat((int)
                    f32.run(Float.floatToRawIntBits(fx) & 0xFFFFFFFFL, Float.floatToRawIntBits(fy) & 0xFFFFFFFFL));
            assertEquals(Float.floatToRawIntBits(fx % fy), Float.floatToRawIntBits(got), fx + " % " + fy);
        }
        for (double x : SPECIALS) {
            for (double y : SPECIALS) {
                assertEquals(0, ulps(x % y, call(f64, x, y)), x + " % " + y);
            }
        }
    }
}
