package io.squall.bench.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

/**
 * JMH: the Java formulations of a block-scaled 8-bit dot product (the inner loop of the CPU engine's integer
 * kernels, {@code io.squall.model.tensor.IntegerDots}) and which of them C2 turns into wide vector code on x86.
 * Every benchmark computes the same sum over 4096 elements: weights in [0, 15] (a 4-bit quant; its offset is applied per block apart),
 * activations in [-127, 127] (x quantized to 8 bits), one float scale per block of 32. Results are checked equal.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/squall-bench-*.jar:bench/target/lib/* io.squall.bench.cpu.IntegerDotBench</pre>
 *
 * What maps (measured with the JDK 25 C2 on AMD EPYC with AVX-512 VNNI, see the README's table): the Vector API's
 * B2S/B2F conversions (vpmovsxbw / vpmovsxbd + vcvtdq2ps), 16- and 32-bit lane multiplies (vpmullw, vpmulld), shifts
 * and reinterpretations (free); an auto-vectorized loop {@code out[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1]} over short
 * arrays (C2's MulAddS2I, vpmaddwd; vpdpwssd when it adds into out). What does not: the Vector API has no operation
 * for vpmaddwd / vpmaddubsw / vpdpbusd (pairwise multiply-add), and scalar reductions {@code s += a[i] * b[i]} over
 * byte or short arrays stay scalar.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class IntegerDotBench {
    static final int N = 4096;
    static final int BLOCKS = N / 32;

    byte[] w = new byte[N];
    short[] ws = new short[N];
    float[] wf = new float[N];
    byte[] xb = new byte[N];
    short[] xs = new short[N];
    float[] xf = new float[N];
    /** x in pairs, q[2k+1] + q[2k] * 2^16: times two weights in one int, bits 16-31 hold their products' sum. */
    int[] xPairs = new int[N / 2];

    float[] scale = new float[BLOCKS];
    int[] products = new int[N / 2];
    /** rowsInLanes16's layout: per block b of 32 columns, per byte j, 16 rows: w[256 r + 32 b + j] | w[.. + 16] << 4. */
    byte[] interleaved = new byte[N / 2];

    float[] rowScale = new float[8 * 16];

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < N; i++) {
            w[i] = (byte) r.nextInt(16);
            ws[i] = w[i];
            wf[i] = w[i];
            xb[i] = (byte) (r.nextInt(255) - 127);
            xs[i] = xb[i];
            xf[i] = xb[i];
        }
        for (int k = 0; k < N / 2; k++) {
            xPairs[k] = xs[2 * k + 1] + (xs[2 * k] << 16); // as QuantizedVector.pairs: a signed sum, not two fields
        }
        for (int b = 0; b < BLOCKS; b++) {
            scale[b] = 0.01f + b * 1e-4f;
        }
        for (int b = 0; b < 8; b++) {
            for (int j = 0; j < 16; j++) {
                for (int row = 0; row < 16; row++) {
                    interleaved[256 * b + 16 * j + row] =
                            (byte) (w[256 * row + 32 * b + j] | (w[256 * row + 32 * b + 16 + j] << 4));
                }
            }
            for (int row = 0; row < 16; row++) {
                rowScale[16 * b + row] = 0.01f + (b * 16 + row) * 1e-4f;
            }
        }
        if (Math.abs(rowsInLanes16() - rowsReference()) > 1e-3 * Math.abs(rowsReference()) + 1e-3) {
            throw new IllegalStateException("rowsInLanes16 " + rowsInLanes16() + " != " + rowsReference());
        }
        double[] all = {scalarReference(), floatFma(), shortMulPairSums(), intMulPairs(), autoVectorizedMulAdd()};
        for (double v : all) {
            if (Math.abs(v - all[0]) > 1e-3 * Math.abs(all[0]) + 1e-3) {
                throw new IllegalStateException("formulations disagree: " + java.util.Arrays.toString(all));
            }
        }
    }

    /** Scalar: int sum per block, then the scale. C2 does not vectorize this byte reduction. */
    @Benchmark
    public float scalarReference() {
        float acc = 0;
        for (int b = 0; b < BLOCKS; b++) {
            int s = 0;
            for (int i = 32 * b; i < 32 * b + 32; i++) {
                s += w[i] * xb[i];
            }
            acc += s * scale[b];
        }
        return acc;
    }

    /** Weights widened to floats (B2F: vpmovsxbd + vcvtdq2ps), x in float, FMA: the float path. */
    @Benchmark
    public float floatFma() {
        FloatVector acc = FloatVector.zero(FloatVector.SPECIES_512);
        for (int b = 0; b < BLOCKS; b++) {
            FloatVector s = FloatVector.zero(FloatVector.SPECIES_512);
            for (int j = 0; j < 32; j += 16) {
                FloatVector wv = (FloatVector) ByteVector.fromArray(ByteVector.SPECIES_128, w, 32 * b + j)
                        .convertShape(B2F, FloatVector.SPECIES_512, 0);
                s = wv.fma(FloatVector.fromArray(FloatVector.SPECIES_512, xf, 32 * b + j), s);
            }
            acc = s.fma(FloatVector.broadcast(FloatVector.SPECIES_512, scale[b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /** Weights widened to shorts (B2S: vpmovsxbw), 16-bit multiplies (vpmullw), pair sums by shifts, one I2F per block. */
    @Benchmark
    public float shortMulPairSums() {
        FloatVector acc = FloatVector.zero(FloatVector.SPECIES_256);
        for (int b = 0; b < BLOCKS; b++) {
            ShortVector p = ((ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, w, 32 * b)
                            .convertShape(B2S, ShortVector.SPECIES_256, 0))
                    .mul(ShortVector.fromArray(ShortVector.SPECIES_256, xs, 32 * b))
                    .add(((ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, w, 32 * b + 16)
                                    .convertShape(B2S, ShortVector.SPECIES_256, 0))
                            .mul(ShortVector.fromArray(ShortVector.SPECIES_256, xs, 32 * b + 16)));
            IntVector i = p.reinterpretAsInts();
            FloatVector f =
                    (FloatVector) i.add(i.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0);
            acc = f.fma(FloatVector.broadcast(FloatVector.SPECIES_256, scale[b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /** Two weights per int lane times x's pair ints (vpmulld): one multiply gives two products' sum in bits 16-31. */
    @Benchmark
    public float intMulPairs() {
        FloatVector acc = FloatVector.zero(FloatVector.SPECIES_256);
        for (int b = 0; b < BLOCKS; b++) {
            IntVector w0 = ((ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, w, 32 * b)
                            .convertShape(B2S, ShortVector.SPECIES_256, 0))
                    .reinterpretAsInts();
            IntVector w1 = ((ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, w, 32 * b + 16)
                            .convertShape(B2S, ShortVector.SPECIES_256, 0))
                    .reinterpretAsInts();
            IntVector p = w0.mul(IntVector.fromArray(IntVector.SPECIES_256, xPairs, 16 * b))
                    .add(w1.mul(IntVector.fromArray(IntVector.SPECIES_256, xPairs, 16 * b + 8)));
            // bits 0-15 hold w[2k] x[2k+1] (|.| <= 1905 per product): adding 2^15 before the shift removes its carry
            FloatVector f = (FloatVector) p.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0);
            acc = f.fma(FloatVector.broadcast(FloatVector.SPECIES_256, scale[b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /**
     * C2's auto-vectorizer on the MulAddS2I shape (vpmaddwd, or vpdpwssd where it accumulates): pair products into an
     * int array, then a Vector API pass sums each block's 16 ints and scales them. Two passes over L1.
     */
    @Benchmark
    public float autoVectorizedMulAdd() {
        short[] a = ws;
        short[] x = xs;
        int[] out = products;
        for (int i = 0; i < N / 2; i++) {
            out[i] = a[2 * i] * x[2 * i] + a[2 * i + 1] * x[2 * i + 1];
        }
        FloatVector acc = FloatVector.zero(FloatVector.SPECIES_512);
        for (int b = 0; b < BLOCKS; b++) {
            FloatVector f = (FloatVector)
                    IntVector.fromArray(IntVector.SPECIES_512, out, 16 * b).convert(I2F, 0);
            acc = f.fma(FloatVector.broadcast(FloatVector.SPECIES_512, scale[b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /**
     * Sixteen weight rows of 256 interleaved so that one 16-byte load holds byte j of each row (two nibbles: elements j
     * and j + 16 of a block), all rows against one x: each row is a 16-bit lane, the 16 low-nibble and the 16
     * high-nibble products of a block add up in two such lanes without overflow (16 * 15 * 127 &lt; 2^15), x is
     * broadcast, and two widenings, one I2F and one FMA per block serve all 16 rows. The same 4096 multiply-adds as the others (16 x 256), so its ns compare directly: ~1.5x
     * fewer vector operations per multiply-add than intMulPairs, which is what a repacked Q4_0 would buy (llama.cpp
     * repacks Q4_0 and Q4_K into 8-row interleaved copies at load for its AVX kernels); it needs a copy of the weights.
     */
    @Benchmark
    public float rowsInLanes16() {
        FloatVector acc = FloatVector.zero(FloatVector.SPECIES_512);
        for (int b = 0; b < 8; b++) {
            ShortVector lo = ShortVector.zero(ShortVector.SPECIES_256);
            ShortVector hi = ShortVector.zero(ShortVector.SPECIES_256);
            for (int j = 0; j < 16; j++) {
                ShortVector v = (ShortVector) ByteVector.fromArray(
                                ByteVector.SPECIES_128, interleaved, 256 * b + 16 * j)
                        .convertShape(jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S, ShortVector.SPECIES_256, 0);
                lo = lo.add(v.and((short) 0x0F).mul(xs[32 * b + j]));
                hi = hi.add(
                        v.lanewise(jdk.incubator.vector.VectorOperators.LSHR, 4).mul(xs[32 * b + 16 + j]));
            }
            IntVector sum = ((IntVector)
                            lo.convertShape(jdk.incubator.vector.VectorOperators.S2I, IntVector.SPECIES_512, 0))
                    .add((IntVector)
                            hi.convertShape(jdk.incubator.vector.VectorOperators.S2I, IntVector.SPECIES_512, 0));
            FloatVector f = (FloatVector) sum.convert(I2F, 0);
            acc = f.fma(FloatVector.fromArray(FloatVector.SPECIES_512, rowScale, 16 * b), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /** rowsInLanes16's sum, scalar: rows r of 256 (w[256 r ..]) against x[0..256), row r's block b scaled by rowScale[16 b + r]. */
    float rowsReference() {
        float acc = 0;
        for (int b = 0; b < 8; b++) {
            for (int r = 0; r < 16; r++) {
                int sum = 0;
                for (int i = 0; i < 32; i++) {
                    sum += w[256 * r + 32 * b + i] * xs[32 * b + i];
                }
                acc += sum * rowScale[16 * b + r];
            }
        }
        return acc;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder()
                        .include(IntegerDotBench.class.getSimpleName())
                        .build())
                .run();
    }
}
