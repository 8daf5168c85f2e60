package io.squall.api.math;

/**
 * Math functions for kernels. Each maps to the device's precise built-in (OpenCL C, PTX, OpenCL.std in SPIR-V);
 * on the JVM they are {@link Math}'s. Fast-math variants are chosen by the compiler flags, not by name.
 */
public final class TornadoMath {
    private TornadoMath() {}

    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    public static double exp(double x) {
        return Math.exp(x);
    }

    public static float log(float x) {
        return (float) Math.log(x);
    }

    public static double log(double x) {
        return Math.log(x);
    }

    public static float log2(float x) {
        return (float) (Math.log(x) / Math.log(2.0));
    }

    public static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }

    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    public static double sqrt(double x) {
        return Math.sqrt(x);
    }

    public static float rsqrt(float x) {
        return (float) (1.0 / Math.sqrt(x));
    }

    public static double rsqrt(double x) {
        return 1.0 / Math.sqrt(x);
    }

    public static float pow(float x, float y) {
        return (float) Math.pow(x, y);
    }

    public static double pow(double x, double y) {
        return Math.pow(x, y);
    }

    public static float sin(float x) {
        return (float) Math.sin(x);
    }

    public static double sin(double x) {
        return Math.sin(x);
    }

    public static float cos(float x) {
        return (float) Math.cos(x);
    }

    public static double cos(double x) {
        return Math.cos(x);
    }

    public static float tan(float x) {
        return (float) Math.tan(x);
    }

    public static double tan(double x) {
        return Math.tan(x);
    }

    public static float atan(float x) {
        return (float) Math.atan(x);
    }

    public static double atan(double x) {
        return Math.atan(x);
    }

    public static float atan2(float y, float x) {
        return (float) Math.atan2(y, x);
    }

    public static double atan2(double y, double x) {
        return Math.atan2(y, x);
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    public static float min(float a, float b) {
        return Math.min(a, b);
    }

    public static double min(double a, double b) {
        return Math.min(a, b);
    }

    public static int min(int a, int b) {
        return Math.min(a, b);
    }

    public static long min(long a, long b) {
        return Math.min(a, b);
    }

    public static float max(float a, float b) {
        return Math.max(a, b);
    }

    public static double max(double a, double b) {
        return Math.max(a, b);
    }

    public static int max(int a, int b) {
        return Math.max(a, b);
    }

    public static long max(long a, long b) {
        return Math.max(a, b);
    }

    public static float abs(float x) {
        return Math.abs(x);
    }

    public static double abs(double x) {
        return Math.abs(x);
    }

    public static int abs(int x) {
        return Math.abs(x);
    }

    public static long abs(long x) {
        return Math.abs(x);
    }

    public static float floor(float x) {
        return (float) Math.floor(x);
    }

    public static double floor(double x) {
        return Math.floor(x);
    }

    public static float ceil(float x) {
        return (float) Math.ceil(x);
    }

    public static double ceil(double x) {
        return Math.ceil(x);
    }

    public static float fma(float a, float b, float c) {
        return Math.fma(a, b, c);
    }

    public static double fma(double a, double b, double c) {
        return Math.fma(a, b, c);
    }

    public static float clamp(float x, float lo, float hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    public static double clamp(double x, double lo, double hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    public static int clamp(int x, int lo, int hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    public static float signum(float x) {
        return Math.signum(x);
    }

    public static double signum(double x) {
        return Math.signum(x);
    }

    public static float floatPI() {
        return (float) Math.PI;
    }

    public static double PI() {
        return Math.PI;
    }

    // TornadoVM's integer overloads: results keep the operand type, so abs((byte) -128) is -128 as in Java.
    public static long clamp(long x, long lo, long hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    public static short clamp(short x, short lo, short hi) {
        return max(lo, min(hi, x));
    }

    public static byte clamp(byte x, byte lo, byte hi) {
        return max(lo, min(hi, x));
    }

    public static short min(short a, short b) {
        return a > b ? b : a;
    }

    public static byte min(byte a, byte b) {
        return a > b ? b : a;
    }

    public static short max(short a, short b) {
        return a > b ? a : b;
    }

    public static byte max(byte a, byte b) {
        return a > b ? a : b;
    }

    public static short abs(short x) {
        return (short) Math.abs(x);
    }

    public static byte abs(byte x) {
        return (byte) Math.abs(x);
    }

    /** The operand with the smaller half-float bit pattern read as a signed short (TornadoVM's comparison). */
    public static io.squall.api.types.HalfFloat min(io.squall.api.types.HalfFloat a, io.squall.api.types.HalfFloat b) {
        return a.getHalfFloatValue() > b.getHalfFloatValue() ? b : a;
    }

    public static io.squall.api.types.HalfFloat max(io.squall.api.types.HalfFloat a, io.squall.api.types.HalfFloat b) {
        return a.getHalfFloatValue() > b.getHalfFloatValue() ? a : b;
    }

    public static float fract(float x) {
        return x - floor(x);
    }

    public static double fract(double x) {
        return x - floor(x);
    }

    public static float asin(float x) {
        return (float) Math.asin(x);
    }

    public static double asin(double x) {
        return Math.asin(x);
    }

    public static float acos(float x) {
        return (float) Math.acos(x);
    }

    public static double acos(double x) {
        return Math.acos(x);
    }

    public static float asinh(float x) {
        return (float) Math.log(x + Math.sqrt(x * x + 1));
    }

    public static double asinh(double x) {
        return Math.log(x + Math.sqrt(x * x + 1));
    }

    public static float acosh(float x) {
        return (float) Math.log(x + Math.sqrt(x * x - 1));
    }

    public static double acosh(double x) {
        return Math.log(x + Math.sqrt(x * x - 1));
    }

    public static float toRadians(float degrees) {
        return (float) Math.toRadians(degrees);
    }

    public static double toRadians(double degrees) {
        return Math.toRadians(degrees);
    }

    public static float sinpi(float x) {
        return (float) Math.sin(x * Math.PI);
    }

    public static double sinpi(double x) {
        return Math.sin(x * Math.PI);
    }

    public static float cospi(float x) {
        return (float) Math.cos(x * Math.PI);
    }

    public static double cospi(double x) {
        return Math.cos(x * Math.PI);
    }

    // Host-side comparisons TornadoVM's tests use.
    public static boolean isEqual(float[] a, float[] b) {
        return java.util.Arrays.equals(a, b);
    }

    public static boolean isEqual(double[] a, double[] b) {
        return java.util.Arrays.equals(a, b);
    }

    public static boolean isEqual(int[] a, int[] b) {
        return java.util.Arrays.equals(a, b);
    }

    public static boolean isEqual(short[] a, short[] b) {
        return java.util.Arrays.equals(a, b);
    }

    public static boolean isEqual(byte[] a, byte[] b) {
        return java.util.Arrays.equals(a, b);
    }

    public static boolean isEqual(io.squall.api.types.arrays.FloatArray a, io.squall.api.types.arrays.FloatArray b) {
        return java.util.Arrays.equals(a.toHeapArray(), b.toHeapArray());
    }

    public static boolean isEqual(io.squall.api.types.arrays.DoubleArray a, io.squall.api.types.arrays.DoubleArray b) {
        return java.util.Arrays.equals(a.toHeapArray(), b.toHeapArray());
    }

    public static boolean isEqual(io.squall.api.types.arrays.IntArray a, io.squall.api.types.arrays.IntArray b) {
        return java.util.Arrays.equals(a.toHeapArray(), b.toHeapArray());
    }

    /** True when every element differs from its expected value by at most {@code tolerance}. */
    public static boolean isEqualTol(float[] a, float[] b, float tolerance) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= tolerance)) {
                return false;
            }
        }
        return true;
    }
}
