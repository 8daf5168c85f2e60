package io.squall.backend.ptx.codegen;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.squall.backend.ptx.codegen.PtxCode.f64;
import static io.squall.backend.ptx.codegen.PtxCode.f64Bits;

/**
 * Software math for PTX without libdevice: each function is a {@code .func} on f64, emitted once per module and
 * only when used; f32 callers widen, call and round once. PTX's own {@code *.approx} instructions are used only
 * for fast math.
 *
 * <p>Accuracy, measured by PtxMathAccuracyTest on random arguments against StrictMath (f64 results): exp, log,
 * sin, cos within 1 ulp; log2, atan, atan2, tan within 2 ulp; tanh within 3 ulp; pow = exp(y * log|x|) with the
 * product in double-double and Java's special cases, within 24 ulp for x in (0, 100], |y| <= 50 (its error grows
 * with |y ln x|); fmod (Java's %) exact. f32 results are the f64 result rounded once: within 1 ulp of float.
 * sin/cos/tan reduce by a three-part pi/2 with fma (Cody-Waite), accurate for |x| below about 2^30; beyond that
 * there is no Payne-Hanek reduction and the results are meaningless (NaN near Double.MAX_VALUE).
 */
final class PtxMath {
    static final double LN2_HI = Double.longBitsToDouble(0x3FE62E42FEFA39EFL);
    static final double LN2_LO = Double.longBitsToDouble(0x3C7ABC9E3B39803FL);
    static final long PIO2_1 = 0x3FF921FB54442D18L, PIO2_2 = 0x3C91A62633145C07L, PIO2_3 = 0xB91F1976B7ED8FBCL;
    static final long PI_HI = 0x400921FB54442D18L, PI_LO = 0x3CA1A62633145C07L;
    static final long PI4_HI = 0x3FE921FB54442D18L, PI4_LO = 0x3C81A62633145C07L;
    static final long PI2_HI = PIO2_1, PI2_LO = PIO2_2;

    /** Function name -> its .func definition, in dependency-free order (each is self-contained). */
    private final Map<String, String> functions = new LinkedHashMap<>();

    String definitions() {
        return String.join("\n", functions.values());
    }

    boolean isEmpty() {
        return functions.isEmpty();
    }

    /** Name of the f64 .func computing {@code fn} (unary or binary), defined on first use. */
    String function(String fn) {
        String name = "squall_" + fn;
        if (!functions.containsKey(name)) {
            functions.put(name, define(fn, name));
        }
        return name;
    }

    /** Name of the exact fmod .func for f32 ("f32") or f64 ("f64"). */
    String fmod(String type) {
        String name = "squall_fmod_" + type;
        if (!functions.containsKey(name)) {
            functions.put(name, defineFmod(type, name));
        }
        return name;
    }

    private String define(String fn, String name) {
        PtxCode c = new PtxCode("m");
        boolean binary = fn.equals("pow") || fn.equals("atan2");
        String x = c.reg(".f64");
        String y = binary ? c.reg(".f64") : null;
        c.op("ld.param.f64 " + x + ", [" + name + "_a]");
        if (binary) {
            c.op("ld.param.f64 " + y + ", [" + name + "_b]");
        }
        String r = switch (fn) {
            case "exp" -> exp(c, x);
            case "log" -> log(c, x);
            case "log2" -> {
                String l = log(c, x);
                String d = c.reg(".f64");
                c.op("div.rn.f64 " + d + ", " + l + ", " + f64(Math.log(2)));
                yield d;
            }
            case "sin" -> sin(c, x, false);
            case "cos" -> sin(c, x, true);
            case "tan" -> tan(c, x);
            case "atan" -> atan(c, x);
            case "atan2" -> atan2(c, x, y);
            case "tanh" -> tanh(c, x);
            case "pow" -> pow(c, x, y);
            default -> throw new IllegalArgumentException("no PTX math function " + fn);
        };
        c.op("st.param.f64 [" + name + "_r], " + r);
        c.op("ret");
        return ".func (.param .b64 " + name + "_r) " + name + "(.param .b64 " + name + "_a"
                + (binary ? ", .param .b64 " + name + "_b" : "") + ")\n{\n" + c.declarations() + c.body() + "}\n";
    }

    // ---- building blocks (each returns the register holding its result) ----

    private static String d(PtxCode c) {
        return c.reg(".f64");
    }

    private static String p(PtxCode c) {
        return c.reg(".pred");
    }

    private static double invFactorial(int n) {
        BigDecimal f = BigDecimal.ONE;
        for (int i = 2; i <= n; i++) {
            f = f.multiply(BigDecimal.valueOf(i));
        }
        return BigDecimal.ONE.divide(f, MathContext.DECIMAL128).doubleValue();
    }

    private static double ratio(int num, int den) {
        return BigDecimal.valueOf(num)
                .divide(BigDecimal.valueOf(den), MathContext.DECIMAL128)
                .doubleValue();
    }

    /** Horner evaluation of sum coeffs[i] * z^i with fma. */
    private static String horner(PtxCode c, String z, double[] coeffs) {
        String acc = d(c);
        c.op("mov.f64 " + acc + ", " + f64(coeffs[coeffs.length - 1]));
        for (int i = coeffs.length - 2; i >= 0; i--) {
            String next = d(c);
            c.op("fma.rn.f64 " + next + ", " + acc + ", " + z + ", " + f64(coeffs[i]));
            acc = next;
        }
        return acc;
    }

    static String exp(PtxCode c, String x) {
        return exp(c, x, null);
    }

    /** exp(x + tail) for a tail far below ulp(x) (the low part of a double-double argument), or exp(x) when tail is null. */
    static String exp(PtxCode c, String x, String tail) {
        String lo = d(c), xc = d(c), t = d(c), k = d(c), nk = d(c), r1 = d(c), r = d(c);
        c.op("min.f64 " + lo + ", " + x + ", " + f64(710.0));
        c.op("max.f64 " + xc + ", " + lo + ", " + f64(-746.0));
        c.op("mul.rn.f64 " + t + ", " + xc + ", " + f64(1 / Math.log(2)));
        c.op("cvt.rni.f64.f64 " + k + ", " + t);
        c.op("neg.f64 " + nk + ", " + k);
        c.op("fma.rn.f64 " + r1 + ", " + nk + ", " + f64(LN2_HI) + ", " + xc);
        c.op("fma.rn.f64 " + r + ", " + nk + ", " + f64(LN2_LO) + ", " + r1);
        if (tail != null) {
            String rt = d(c);
            c.op("add.rn.f64 " + rt + ", " + r + ", " + tail);
            r = rt;
        }
        double[] coeffs = new double[14]; // Taylor to r^13 for |r| <= ln2/2: truncation below 2^-60
        for (int n = 0; n < coeffs.length; n++) {
            coeffs[n] = invFactorial(n);
        }
        String poly = horner(c, r, coeffs);
        String ki = c.reg(".b32"), k1 = c.reg(".b32"), k2 = c.reg(".b32");
        c.op("cvt.rni.s32.f64 " + ki + ", " + k);
        c.op("shr.s32 " + k1 + ", " + ki + ", 1");
        c.op("sub.s32 " + k2 + ", " + ki + ", " + k1);
        String s1 = pow2(c, k1), s2 = pow2(c, k2);
        String m1 = d(c), m2 = d(c), res = d(c);
        c.op("mul.rn.f64 " + m1 + ", " + poly + ", " + s1);
        c.op("mul.rn.f64 " + m2 + ", " + m1 + ", " + s2);
        String nan = p(c);
        c.op("setp.nan.f64 " + nan + ", " + x + ", " + x);
        c.op("selp.f64 " + res + ", " + x + ", " + m2 + ", " + nan);
        return res;
    }

    /** 2^k for k in [-1022, 1023] built from its bits. */
    private static String pow2(PtxCode c, String k) {
        String e = c.reg(".b32"), wide = c.reg(".b64"), bits = c.reg(".b64"), r = d(c);
        c.op("add.s32 " + e + ", " + k + ", 1023");
        c.op("cvt.u64.u32 " + wide + ", " + e);
        c.op("shl.b64 " + bits + ", " + wide + ", 52");
        c.op("mov.b64 " + r + ", " + bits);
        return r;
    }

    static String log(PtxCode c, String x) {
        return logExtended(c, x)[0];
    }

    /** log(x) as {hi, lo}: hi the rounded result, lo (0 for special arguments) what rounding dropped, for pow. */
    static String[] logExtended(PtxCode c, String x) {
        String sub = p(c), big = d(c), xs = d(c), eadj = c.reg(".b32");
        c.op("setp.lt.f64 " + sub + ", " + x + ", " + f64(Double.MIN_NORMAL));
        c.op("mul.rn.f64 " + big + ", " + x + ", " + f64(0x1p54));
        c.op("selp.f64 " + xs + ", " + big + ", " + x + ", " + sub);
        c.op("selp.s32 " + eadj + ", -54, 0, " + sub);
        String bits = c.reg(".b64"),
                eb = c.reg(".b64"),
                em = c.reg(".b64"),
                e32 = c.reg(".b32"),
                e1 = c.reg(".b32"),
                e2 = c.reg(".b32");
        c.op("mov.b64 " + bits + ", " + xs);
        c.op("shr.u64 " + eb + ", " + bits + ", 52");
        c.op("and.b64 " + em + ", " + eb + ", 2047");
        c.op("cvt.u32.u64 " + e32 + ", " + em);
        c.op("add.s32 " + e1 + ", " + e32 + ", -1023");
        c.op("add.s32 " + e2 + ", " + e1 + ", " + eadj);
        String mb = c.reg(".b64"), mb2 = c.reg(".b64"), m = d(c);
        c.op("and.b64 " + mb + ", " + bits + ", 0x000FFFFFFFFFFFFF");
        c.op("or.b64 " + mb2 + ", " + mb + ", 0x3FF0000000000000");
        c.op("mov.b64 " + m + ", " + mb2);
        String above = p(c), half = d(c), m2 = d(c), inc = c.reg(".b32"), e = c.reg(".b32");
        c.op("setp.gt.f64 " + above + ", " + m + ", " + f64(Math.sqrt(2)));
        c.op("mul.rn.f64 " + half + ", " + m + ", " + f64(0.5));
        c.op("selp.f64 " + m2 + ", " + half + ", " + m + ", " + above);
        c.op("selp.s32 " + inc + ", 1, 0, " + above);
        c.op("add.s32 " + e + ", " + e2 + ", " + inc);
        // log(1+f) = f - (hfsq - s*(hfsq + R)), s = f/(2+f), R = sum 2 z^j/(2j+1) (j >= 1), z = s^2
        String f = d(c), den = d(c), s = d(c), z = d(c);
        c.op("sub.rn.f64 " + f + ", " + m2 + ", " + f64(1.0));
        c.op("add.rn.f64 " + den + ", " + f + ", " + f64(2.0));
        c.op("div.rn.f64 " + s + ", " + f + ", " + den);
        c.op("mul.rn.f64 " + z + ", " + s + ", " + s);
        double[] coeffs = new double[11];
        for (int j = 0; j < coeffs.length; j++) {
            coeffs[j] = ratio(2, 2 * j + 3);
        }
        String q = horner(c, z, coeffs);
        String rr = d(c), ff = d(c), hfsq = d(c), t1 = d(c), t2 = d(c), t3 = d(c), l = d(c);
        c.op("mul.rn.f64 " + rr + ", " + z + ", " + q);
        c.op("mul.rn.f64 " + ff + ", " + f + ", " + f);
        c.op("mul.rn.f64 " + hfsq + ", " + ff + ", " + f64(0.5));
        c.op("add.rn.f64 " + t1 + ", " + hfsq + ", " + rr);
        c.op("mul.rn.f64 " + t2 + ", " + s + ", " + t1);
        c.op("sub.rn.f64 " + t3 + ", " + hfsq + ", " + t2);
        c.op("sub.rn.f64 " + l + ", " + f + ", " + t3);
        String dk = d(c), a = d(c), r = d(c);
        c.op("cvt.rn.f64.s32 " + dk + ", " + e);
        c.op("fma.rn.f64 " + a + ", " + dk + ", " + f64(LN2_LO) + ", " + l);
        c.op("fma.rn.f64 " + r + ", " + dk + ", " + f64(LN2_HI) + ", " + a);
        String zero = p(c), neg = p(c), inf = p(c), nan = p(c), r1 = d(c), r2 = d(c), r3 = d(c), r4 = d(c);
        c.op("setp.eq.f64 " + zero + ", " + x + ", " + f64(0.0));
        c.op("selp.f64 " + r1 + ", " + f64(Double.NEGATIVE_INFINITY) + ", " + r + ", " + zero);
        c.op("setp.lt.f64 " + neg + ", " + x + ", " + f64(0.0));
        c.op("selp.f64 " + r2 + ", " + f64Bits(0x7FF8000000000000L) + ", " + r1 + ", " + neg);
        c.op("setp.eq.f64 " + inf + ", " + x + ", " + f64(Double.POSITIVE_INFINITY));
        c.op("selp.f64 " + r3 + ", " + x + ", " + r2 + ", " + inf);
        c.op("setp.nan.f64 " + nan + ", " + x + ", " + x);
        c.op("selp.f64 " + r4 + ", " + x + ", " + r3 + ", " + nan);
        String low = d(c), low2 = d(c), ar = d(c), finite = p(c), lo = d(c);
        c.op("neg.f64 " + low + ", " + r);
        c.op("fma.rn.f64 " + low2 + ", " + dk + ", " + f64(LN2_HI) + ", " + low);
        String low3 = d(c);
        c.op("add.rn.f64 " + low3 + ", " + low2 + ", " + a);
        c.op("abs.f64 " + ar + ", " + r4);
        c.op("setp.lt.f64 " + finite + ", " + ar + ", " + f64(Double.POSITIVE_INFINITY));
        c.op("selp.f64 " + lo + ", " + low3 + ", " + f64(0.0) + ", " + finite);
        return new String[] {r4, lo};
    }

    /** Reduction by pi/2 and both kernels: {sin(r), cos(r), quadrant (b32)}. */
    private static String[] sinCosReduced(PtxCode c, String x) {
        String t = d(c), k = d(c), nk = d(c), r1 = d(c), r2 = d(c), r = d(c);
        c.op("mul.rn.f64 " + t + ", " + x + ", " + f64(2 / Math.PI));
        c.op("cvt.rni.f64.f64 " + k + ", " + t);
        c.op("neg.f64 " + nk + ", " + k);
        c.op("fma.rn.f64 " + r1 + ", " + nk + ", " + f64Bits(PIO2_1) + ", " + x);
        c.op("fma.rn.f64 " + r2 + ", " + nk + ", " + f64Bits(PIO2_2) + ", " + r1);
        c.op("fma.rn.f64 " + r + ", " + nk + ", " + f64Bits(PIO2_3) + ", " + r2);
        String q64 = c.reg(".b64"), q = c.reg(".b32");
        c.op("cvt.rzi.s64.f64 " + q64 + ", " + k);
        c.op("cvt.u32.u64 " + q + ", " + q64);
        String z = d(c);
        c.op("mul.rn.f64 " + z + ", " + r + ", " + r);
        double[] sc = new double[8]; // sin(r) = r + r z * sum (-1)^j z^(j-1) / (2j+1)!, j = 1..8
        for (int j = 1; j <= 8; j++) {
            sc[j - 1] = (j % 2 == 0 ? 1 : -1) * invFactorial(2 * j + 1);
        }
        String sp = horner(c, z, sc);
        String rz = d(c), sin = d(c);
        c.op("mul.rn.f64 " + rz + ", " + r + ", " + z);
        c.op("fma.rn.f64 " + sin + ", " + rz + ", " + sp + ", " + r);
        double[] cc = new double[8]; // cos(r) = 1 - z/2 + z^2 * sum (-1)^j z^(j-2) / (2j)!, j = 2..9
        for (int j = 2; j <= 9; j++) {
            cc[j - 2] = (j % 2 == 0 ? 1 : -1) * invFactorial(2 * j);
        }
        String cp = horner(c, z, cc);
        String hz = d(c), w = d(c), a = d(c), b = d(c), zz = d(c), e = d(c), cos = d(c);
        c.op("mul.rn.f64 " + hz + ", " + z + ", " + f64(0.5));
        c.op("sub.rn.f64 " + w + ", " + f64(1.0) + ", " + hz);
        c.op("sub.rn.f64 " + a + ", " + f64(1.0) + ", " + w);
        c.op("sub.rn.f64 " + b + ", " + a + ", " + hz);
        c.op("mul.rn.f64 " + zz + ", " + z + ", " + z);
        c.op("fma.rn.f64 " + e + ", " + zz + ", " + cp + ", " + b);
        c.op("add.rn.f64 " + cos + ", " + w + ", " + e);
        return new String[] {sin, cos, q};
    }

    private static String sin(PtxCode c, String x, boolean cosine) {
        String[] sc = sinCosReduced(c, x);
        String q = sc[2];
        if (cosine) {
            String q1 = c.reg(".b32");
            c.op("add.s32 " + q1 + ", " + q + ", 1");
            q = q1;
        }
        String odd = c.reg(".b32"), neg = c.reg(".b32"), po = p(c), pn = p(c), v = d(c), nv = d(c), r = d(c);
        c.op("and.b32 " + odd + ", " + q + ", 1");
        c.op("setp.ne.u32 " + po + ", " + odd + ", 0");
        c.op("selp.f64 " + v + ", " + sc[1] + ", " + sc[0] + ", " + po);
        c.op("and.b32 " + neg + ", " + q + ", 2");
        c.op("setp.ne.u32 " + pn + ", " + neg + ", 0");
        c.op("neg.f64 " + nv + ", " + v);
        c.op("selp.f64 " + r + ", " + nv + ", " + v + ", " + pn);
        if (cosine) {
            return r;
        }
        return keepZero(c, x, r);
    }

    /** x when x is +-0 (keeps the sign of zero), else r. */
    private static String keepZero(PtxCode c, String x, String r) {
        String zero = p(c), res = d(c);
        c.op("setp.eq.f64 " + zero + ", " + x + ", " + f64(0.0));
        c.op("selp.f64 " + res + ", " + x + ", " + r + ", " + zero);
        return res;
    }

    private static String tan(PtxCode c, String x) {
        String[] sc = sinCosReduced(c, x);
        String odd = c.reg(".b32"), po = p(c), direct = d(c), swapped = d(c), nswapped = d(c), r = d(c);
        c.op("and.b32 " + odd + ", " + sc[2] + ", 1");
        c.op("setp.ne.u32 " + po + ", " + odd + ", 0");
        c.op("div.rn.f64 " + direct + ", " + sc[0] + ", " + sc[1]);
        c.op("div.rn.f64 " + swapped + ", " + sc[1] + ", " + sc[0]);
        c.op("neg.f64 " + nswapped + ", " + swapped);
        c.op("selp.f64 " + r + ", " + nswapped + ", " + direct + ", " + po);
        return keepZero(c, x, r);
    }

    /** atan(t) for |t| <= tan(pi/8): t + t z * sum (-1)^j z^(j-1)/(2j+1), j = 1..21. */
    private static String atanCore(PtxCode c, String t) {
        String z = d(c), tz = d(c), r = d(c);
        c.op("mul.rn.f64 " + z + ", " + t + ", " + t);
        double[] coeffs = new double[21];
        for (int j = 1; j <= 21; j++) {
            coeffs[j - 1] = (j % 2 == 0 ? 1 : -1) * ratio(1, 2 * j + 1);
        }
        String q = horner(c, z, coeffs);
        c.op("mul.rn.f64 " + tz + ", " + t + ", " + z);
        c.op("fma.rn.f64 " + r + ", " + tz + ", " + q + ", " + t);
        return r;
    }

    /** atan(b) for b in [0, 1] (or NaN): above tan(pi/8), pi/4 + atan((b-1)/(b+1)). */
    private static String atan01(PtxCode c, String b) {
        String mid = p(c), bm = d(c), bp = d(c), cr = d(c), t = d(c);
        c.op("setp.gt.f64 " + mid + ", " + b + ", " + f64(0.41421356237309503));
        c.op("sub.rn.f64 " + bm + ", " + b + ", " + f64(1.0));
        c.op("add.rn.f64 " + bp + ", " + b + ", " + f64(1.0));
        c.op("div.rn.f64 " + cr + ", " + bm + ", " + bp);
        c.op("selp.f64 " + t + ", " + cr + ", " + b + ", " + mid);
        String r = atanCore(c, t);
        String a = d(c), a2 = d(c), res = d(c);
        c.op("add.rn.f64 " + a + ", " + r + ", " + f64Bits(PI4_LO));
        c.op("add.rn.f64 " + a2 + ", " + a + ", " + f64Bits(PI4_HI));
        c.op("selp.f64 " + res + ", " + a2 + ", " + r + ", " + mid);
        return res;
    }

    /** pi/2 - r when p, else r. */
    private static String complement(PtxCode c, String r, String pred) {
        String a = d(c), a2 = d(c), res = d(c);
        c.op("sub.rn.f64 " + a + ", " + f64Bits(PI2_LO) + ", " + r);
        c.op("add.rn.f64 " + a2 + ", " + a + ", " + f64Bits(PI2_HI));
        c.op("selp.f64 " + res + ", " + a2 + ", " + r + ", " + pred);
        return res;
    }

    private static String negateIf(PtxCode c, String r, String pred) {
        String n = d(c), res = d(c);
        c.op("neg.f64 " + n + ", " + r);
        c.op("selp.f64 " + res + ", " + n + ", " + r + ", " + pred);
        return res;
    }

    private static String signBit(PtxCode c, String x) {
        String bits = c.reg(".b64"), s = p(c);
        c.op("mov.b64 " + bits + ", " + x);
        c.op("setp.lt.s64 " + s + ", " + bits + ", 0");
        return s;
    }

    private static String atan(PtxCode c, String x) {
        String a = d(c), inv = p(c), ia = d(c), b = d(c);
        c.op("abs.f64 " + a + ", " + x);
        c.op("setp.gt.f64 " + inv + ", " + a + ", " + f64(1.0));
        c.op("rcp.rn.f64 " + ia + ", " + a);
        c.op("selp.f64 " + b + ", " + ia + ", " + a + ", " + inv);
        String r = complement(c, atan01(c, b), inv);
        String neg = p(c);
        c.op("setp.lt.f64 " + neg + ", " + x + ", " + f64(0.0));
        return keepZero(c, x, negateIf(c, r, neg));
    }

    private static String atan2(PtxCode c, String y, String x) {
        String ax = d(c), ay = d(c), swap = p(c), num = d(c), den = d(c), q = d(c), numZero = p(c), ratio = d(c);
        c.op("abs.f64 " + ax + ", " + x);
        c.op("abs.f64 " + ay + ", " + y);
        c.op("setp.gt.f64 " + swap + ", " + ay + ", " + ax);
        c.op("selp.f64 " + num + ", " + ax + ", " + ay + ", " + swap);
        c.op("selp.f64 " + den + ", " + ay + ", " + ax + ", " + swap);
        c.op("div.rn.f64 " + q + ", " + num + ", " + den);
        c.op("setp.eq.f64 " + numZero + ", " + num + ", " + f64(0.0));
        c.op("selp.f64 " + ratio + ", " + f64(0.0) + ", " + q + ", " + numZero);
        // the angle of (|x|, |y|) and its mirror for x < 0, each in one rounding from the two-part constants:
        // a; pi/2 - a (swapped); pi - a (x < 0); pi/2 + a (swapped, x < 0)
        String a = atan01(c, ratio);
        String xneg = signBit(c, x);
        String t1 = d(c), swapped = d(c), t2 = d(c), mirrored = d(c), t3 = d(c), both = d(c);
        c.op("sub.rn.f64 " + t1 + ", " + f64Bits(PI2_LO) + ", " + a);
        c.op("add.rn.f64 " + swapped + ", " + t1 + ", " + f64Bits(PI2_HI));
        c.op("sub.rn.f64 " + t2 + ", " + f64Bits(PI_LO) + ", " + a);
        c.op("add.rn.f64 " + mirrored + ", " + t2 + ", " + f64Bits(PI_HI));
        c.op("add.rn.f64 " + t3 + ", " + a + ", " + f64Bits(PI2_LO));
        c.op("add.rn.f64 " + both + ", " + t3 + ", " + f64Bits(PI2_HI));
        String r1 = d(c), r2 = d(c), r3a = d(c);
        c.op("selp.f64 " + r1 + ", " + both + ", " + mirrored + ", " + swap);
        c.op("selp.f64 " + r2 + ", " + swapped + ", " + a + ", " + swap);
        c.op("selp.f64 " + r3a + ", " + r1 + ", " + r2 + ", " + xneg);
        String xi = p(c), yi = p(c), infs = p(c), quarter = d(c), r3 = d(c);
        c.op("setp.eq.f64 " + xi + ", " + ax + ", " + f64(Double.POSITIVE_INFINITY));
        c.op("setp.eq.f64 " + yi + ", " + ay + ", " + f64(Double.POSITIVE_INFINITY));
        c.op("and.pred " + infs + ", " + xi + ", " + yi);
        c.op("selp.f64 " + quarter + ", " + f64(3 * Math.PI / 4) + ", " + f64(Math.PI / 4) + ", " + xneg);
        c.op("selp.f64 " + r3 + ", " + quarter + ", " + r3a + ", " + infs);
        String r4 = negateIf(c, r3, signBit(c, y));
        String nan = p(c), sum = d(c), res = d(c);
        c.op("setp.nan.f64 " + nan + ", " + x + ", " + y);
        c.op("add.rn.f64 " + sum + ", " + x + ", " + y);
        c.op("selp.f64 " + res + ", " + sum + ", " + r4 + ", " + nan);
        return res;
    }

    private static String tanh(PtxCode c, String x) {
        String a = d(c), u = d(c);
        c.op("abs.f64 " + a + ", " + x);
        c.op("add.rn.f64 " + u + ", " + a + ", " + a);
        double[] coeffs = new double[22]; // expm1(u)/u = sum u^(n-1)/n!, n = 1..22, for u < 1.1
        for (int n = 1; n <= 22; n++) {
            coeffs[n - 1] = invFactorial(n);
        }
        String pm = horner(c, u, coeffs);
        String em1 = d(c), den = d(c), small = d(c);
        c.op("mul.rn.f64 " + em1 + ", " + pm + ", " + u);
        c.op("add.rn.f64 " + den + ", " + em1 + ", " + f64(2.0));
        c.op("div.rn.f64 " + small + ", " + em1 + ", " + den);
        String e = exp(c, u), ep = d(c), q = d(c), large = d(c);
        c.op("add.rn.f64 " + ep + ", " + e + ", " + f64(1.0));
        c.op("div.rn.f64 " + q + ", " + f64(2.0) + ", " + ep);
        c.op("sub.rn.f64 " + large + ", " + f64(1.0) + ", " + q);
        String isSmall = p(c), r = d(c);
        c.op("setp.lt.f64 " + isSmall + ", " + a + ", " + f64(0.55));
        c.op("selp.f64 " + r + ", " + small + ", " + large + ", " + isSmall);
        return keepZero(c, x, negateIf(c, r, signBit(c, x)));
    }

    private static String pow(PtxCode c, String x, String y) {
        String ax = d(c), yl = d(c);
        c.op("abs.f64 " + ax + ", " + x);
        String[] l = logExtended(c, ax); // y * log|x| in double-double: exact integer powers stay exact
        c.op("mul.rn.f64 " + yl + ", " + y + ", " + l[0]);
        String yerr = d(c), ylo = d(c), ayl = d(c), finite = p(c), tail = d(c);
        String nyl = d(c);
        c.op("neg.f64 " + nyl + ", " + yl);
        c.op("fma.rn.f64 " + yerr + ", " + y + ", " + l[0] + ", " + nyl);
        c.op("fma.rn.f64 " + ylo + ", " + y + ", " + l[1] + ", " + yerr);
        c.op("abs.f64 " + ayl + ", " + yl);
        c.op("setp.lt.f64 " + finite + ", " + ayl + ", " + f64(746.0)); // beyond, exp saturates: no tail
        c.op("selp.f64 " + tail + ", " + ylo + ", " + f64(0.0) + ", " + finite);
        String r = exp(c, yl, tail);
        String yt = d(c), yInt = p(c), h = d(c), ht = d(c), hFrac = p(c), yOdd = p(c);
        c.op("cvt.rzi.f64.f64 " + yt + ", " + y);
        c.op("setp.eq.f64 " + yInt + ", " + yt + ", " + y);
        c.op("mul.rn.f64 " + h + ", " + y + ", " + f64(0.5));
        c.op("cvt.rzi.f64.f64 " + ht + ", " + h);
        c.op("setp.ne.f64 " + hFrac + ", " + ht + ", " + h);
        c.op("and.pred " + yOdd + ", " + yInt + ", " + hFrac);
        String negate = p(c);
        c.op("and.pred " + negate + ", " + signBit(c, x) + ", " + yOdd);
        String r2 = negateIf(c, r, negate);
        String xNeg = p(c), xFinite = p(c), negFinite = p(c), bad = p(c), r3 = d(c);
        c.op("setp.lt.f64 " + xNeg + ", " + x + ", " + f64(0.0));
        c.op("setp.lt.f64 " + xFinite + ", " + ax + ", " + f64(Double.POSITIVE_INFINITY));
        c.op("and.pred " + negFinite + ", " + xNeg + ", " + xFinite);
        String notInt = p(c);
        c.op("not.pred " + notInt + ", " + yInt);
        c.op("and.pred " + bad + ", " + negFinite + ", " + notInt);
        c.op("selp.f64 " + r3 + ", " + f64Bits(0x7FF8000000000000L) + ", " + r2 + ", " + bad);
        String y0 = p(c), res = d(c);
        c.op("setp.eq.f64 " + y0 + ", " + y + ", " + f64(0.0));
        c.op("selp.f64 " + res + ", " + f64(1.0) + ", " + r3 + ", " + y0);
        return res;
    }

    /** Java's % on floats, exactly: binary long division by y * 2^k (every subtraction is exact). */
    private String defineFmod(String type, String name) {
        boolean single = type.equals("f32");
        String ft = single ? ".f32" : ".f64", bt = single ? ".b32" : ".b64", st = single ? ".s32" : ".s64";
        String inf = single ? PtxCode.f32(Float.POSITIVE_INFINITY) : f64(Double.POSITIVE_INFINITY);
        String nanBits = single ? "0f7FC00000" : f64Bits(0x7FF8000000000000L);
        String half = single ? PtxCode.f32(0.5f) : f64(0.5);
        String zero = single ? PtxCode.f32(0f) : f64(0.0);
        PtxCode c = new PtxCode("m");
        String x = c.reg(ft),
                y = c.reg(ft),
                ax = c.reg(ft),
                ay = c.reg(ft),
                t = c.reg(ft),
                tt = c.reg(ft),
                s = c.reg(ft);
        String more = c.reg(".pred"), done = c.reg(".pred"), ge = c.reg(".pred");
        c.op("ld.param" + ft + " " + x + ", [" + name + "_a]");
        c.op("ld.param" + ft + " " + y + ", [" + name + "_b]");
        c.op("abs" + ft + " " + ax + ", " + x);
        c.op("abs" + ft + " " + ay + ", " + y);
        String xFinite = c.reg(".pred"),
                yFinite = c.reg(".pred"),
                yZero = c.reg(".pred"),
                skip = c.reg(".pred"),
                skip2 = c.reg(".pred");
        c.op("setp.lt" + ft + " " + xFinite + ", " + ax + ", " + inf);
        c.op("setp.ltu" + ft + " " + yFinite + ", " + ay + ", " + inf); // NaN y counts as finite here, caught below
        c.op("setp.equ" + ft + " " + yZero + ", " + ay + ", " + zero); // true for 0 and NaN
        String xBad = c.reg(".pred"), yBad = c.reg(".pred");
        c.op("not.pred " + xBad + ", " + xFinite);
        c.op("not.pred " + yBad + ", " + yFinite);
        c.op("or.pred " + skip + ", " + yZero + ", " + xBad);
        c.op("or.pred " + skip2 + ", " + skip + ", " + yBad);
        String end = c.newLabel("end"), dbl = c.newLabel("double"), loop = c.newLabel("loop");
        c.op("@" + skip2 + " bra " + end);
        c.op("mov" + ft + " " + t + ", " + ay);
        c.label(dbl);
        c.op("add.rn" + ft + " " + tt + ", " + t + ", " + t);
        c.op("setp.le" + ft + " " + more + ", " + tt + ", " + ax);
        String dblDone = c.newLabel("doubled");
        c.op("@!" + more + " bra " + dblDone);
        c.op("mov" + ft + " " + t + ", " + tt);
        c.op("bra " + dbl);
        c.label(dblDone);
        c.label(loop);
        c.op("setp.lt" + ft + " " + done + ", " + t + ", " + ay);
        c.op("@" + done + " bra " + end);
        c.op("setp.ge" + ft + " " + ge + ", " + ax + ", " + t);
        c.op("sub.rn" + ft + " " + s + ", " + ax + ", " + t);
        c.op("selp" + ft + " " + ax + ", " + s + ", " + ax + ", " + ge);
        c.op("mul.rn" + ft + " " + t + ", " + t + ", " + half);
        c.op("bra " + loop);
        c.label(end);
        // sign of x; then Java's special cases: y infinite -> x; x infinite or NaN, y zero or NaN -> NaN
        String bits = c.reg(bt), neg = c.reg(".pred"), nax = c.reg(ft), r = c.reg(ft), r2 = c.reg(ft), r3 = c.reg(ft);
        String yInf = c.reg(".pred"),
                keepX = c.reg(".pred"),
                yNan = c.reg(".pred"),
                bad = c.reg(".pred"),
                bad2 = c.reg(".pred");
        c.op("mov" + bt + " " + bits + ", " + x);
        c.op("setp.lt" + st + " " + neg + ", " + bits + ", 0");
        c.op("neg" + ft + " " + nax + ", " + ax);
        c.op("selp" + ft + " " + r + ", " + nax + ", " + ax + ", " + neg);
        c.op("setp.eq" + ft + " " + yInf + ", " + ay + ", " + inf);
        c.op("and.pred " + keepX + ", " + yInf + ", " + xFinite);
        c.op("selp" + ft + " " + r2 + ", " + x + ", " + r + ", " + keepX);
        c.op("setp.nan" + ft + " " + yNan + ", " + y + ", " + y);
        c.op("or.pred " + bad + ", " + yZero + ", " + xBad);
        c.op("or.pred " + bad2 + ", " + bad + ", " + yNan);
        c.op("selp" + ft + " " + r3 + ", " + nanBits + ", " + r2 + ", " + bad2);
        c.op("st.param" + ft + " [" + name + "_r], " + r3);
        c.op("ret");
        String p = single ? ".b32" : ".b64";
        return ".func (.param " + p + " " + name + "_r) " + name + "(.param " + p + " " + name + "_a, .param " + p + " "
                + name + "_b)\n{\n" + c.declarations() + c.body() + "}\n";
    }
}
