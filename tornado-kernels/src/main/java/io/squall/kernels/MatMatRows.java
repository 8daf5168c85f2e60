package io.squall.kernels;

import io.squall.api.annotations.Dynamic;
import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.vectors.Float16;
import io.squall.kernels.format.Formats;

/**
 * Weights x a batch of activation vectors, for prompt processing: {@code out[j][r] (+)= sum_c w[r][c] * x[j][c]} for
 * j in 0..batch, x and out row-major ([batch][cols], [batch][rows]). One work-item per two weight rows; each weight
 * block is brought from memory once per {@link #TILE} ({@link #LANE_TILE} for Q8_0, Q4_0) activation vectors and its dot product taken with all of them
 * while it is in the cache, so a batch reads the weights batch/TILE times instead of batch times. Q8_0 and Q4_0 rows
 * are converted to floats a segment at a time and multiplied in flat loops ({@link #laneTiles}); the other formats
 * take {@link Formats#blockDot} per block and vector. The sums are not in decode's order (float rounding apart, the
 * same products). A tile past the batch's end re-reads the last vector and writes nothing for it. Launch as a parallel
 * loop over rows (step 2); {@code format} is the weights' {@link Formats} code, the only argument folded under scalar
 * specialization ({@link Dynamic} sizes: one kernel per format serves a model's every product).
 */
public final class MatMatRows {
    /** Activation vectors that share one read of the weights ({@link #LANE_TILE} for Q8_0 and Q4_0). */
    public static final int TILE = 4;

    /** Activation vectors per pass over a Q8_0 or Q4_0 row pair in {@link #laneTiles}. */
    public static final int LANE_TILE = 8;

    private MatMatRows() {}

    public static void matmat(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int batch,
            @Dynamic int accumulate,
            int format) {
        // Two rows per work-item: the Q8_0/Q4_0 tiles share each load of x between them (see laneTiles).
        for (@Parallel int r = 0; r < rows; r += 2) {
            rowPair(w, x, out, r, rows, cols, batch, accumulate, format);
        }
    }

    /**
     * {@link #matmat} over the first {@code chunk[0]} (at most {@code batch}) vectors only: a prompt's last chunk is
     * usually short, and its padding vectors (the rest of the graph's fixed batch) are neither computed nor written.
     */
    public static void matmatLive(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            IntArray chunk,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int batch,
            @Dynamic int accumulate,
            int format) {
        int live = TornadoMath.min(chunk.get(0), batch);
        for (@Parallel int r = 0; r < rows; r += 2) {
            rowPair(w, x, out, r, rows, cols, live, accumulate, format);
        }
    }

    /** Rows {@code r} and {@code r + 1} (when it exists) times the first {@code batch} vectors. */
    static void rowPair(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int r,
            int rows,
            int cols,
            int batch,
            int accumulate,
            int format) {
        if (Formats.hasLaneRowDot(format)) {
            laneTiles(w, x, out, r, rows, cols, batch, accumulate, format);
        } else {
            blockTiles(w, x, out, r, rows, cols, batch, accumulate, format);
            if (r + 1 < rows) {
                blockTiles(w, x, out, r + 1, rows, cols, batch, accumulate, format);
            }
        }
    }

    /** Row {@code r} of a matrix of any format times the batch: {@link #TILE} vectors per pass over the row's blocks. */
    static void blockTiles(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int r,
            int rows,
            int cols,
            int batch,
            int accumulate,
            int format) {
        int elements = Formats.blockElements(format);
        int bytes = Formats.blockBytes(format);
        int blocks = cols / elements;
        int base = r * blocks * bytes;
        for (int j = 0; j < batch; j += TILE) {
            int x0 = j * cols;
            int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
            int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
            int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int b = 0; b < blocks; b++) {
                int block = base + b * bytes;
                int c = b * elements;
                s0 += Formats.blockDot(format, w, block, x, x0 + c);
                s1 += Formats.blockDot(format, w, block, x, x1 + c);
                s2 += Formats.blockDot(format, w, block, x, x2 + c);
                s3 += Formats.blockDot(format, w, block, x, x3 + c);
            }
            store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
        }
    }

    /** Blocks converted to floats at a time by {@link #laneTiles} (256 weights per row, 1 KB of private memory). */
    static final int SEGMENT_BLOCKS = 8;

    /**
     * Rows {@code r} and {@code r + 1} (when it exists) of a Q8_0 or Q4_0 matrix times the batch, {@link #LANE_TILE}
     * vectors at a time. The rows go in segments of {@link #SEGMENT_BLOCKS} blocks: a segment is converted to floats
     * once per tile (not once per vector), then one flat loop over its 256 columns updates the 2 x 8 sums. With relaxed
     * math (CPU devices) PoCL's LLVM vectorizes that loop as 16 reductions held in vector registers (8 lanes each: on
     * AVX-512 machines it prefers 256-bit vectors, 32 of them), its body 10 loads, 16 multiplies and 16 adds per
     * 128 multiply-adds: each load of x serves both rows, each converted weight eight vectors; the rows (~2 KB each)
     * stay in L1 across tiles, x comes from L1/L2. PoCL, 8192x2048 x 16 Q8_0 ({@code OpenCLMatVecBench --batch 16}):
     * per-vector 16-lane arrays as in decode 36 ms (the sums lived in memory, a load and a store per multiply-add),
     * 2 x 4 sums 18-21 ms, 2 x 8 sums 13-14 ms (CPU engine, int8 activations, 7-11 ms; shared machine, minima). A fused
     * multiply-add (Math.fma) is not vectorized as a reduction (scalar code), and PoCL does not fuse the multiply and
     * add by itself (vmulps + vaddps). On rusticl (llvmpipe) every load, of the private segment too, is a loop over 8
     * lanes: the product runs ~30x slower than on PoCL (see {@link MatVecRows}).
     */
    static void laneTiles(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int r,
            int rows,
            int cols,
            int batch,
            int accumulate,
            int format) {
        int bytes = Formats.blockBytes(format);
        int blocks = cols / 32;
        int base0 = r * blocks * bytes;
        int base1 = TornadoMath.min(r + 1, rows - 1) * blocks * bytes;
        float[] wd0 = new float[SEGMENT_BLOCKS * 32];
        float[] wd1 = new float[SEGMENT_BLOCKS * 32];
        for (int j = 0; j < batch; j += LANE_TILE) {
            int x0 = j * cols;
            int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
            int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
            int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
            int x4 = TornadoMath.min(j + 4, batch - 1) * cols;
            int x5 = TornadoMath.min(j + 5, batch - 1) * cols;
            int x6 = TornadoMath.min(j + 6, batch - 1) * cols;
            int x7 = TornadoMath.min(j + 7, batch - 1) * cols;
            float s00 = 0f;
            float s01 = 0f;
            float s02 = 0f;
            float s03 = 0f;
            float s04 = 0f;
            float s05 = 0f;
            float s06 = 0f;
            float s07 = 0f;
            float s10 = 0f;
            float s11 = 0f;
            float s12 = 0f;
            float s13 = 0f;
            float s14 = 0f;
            float s15 = 0f;
            float s16 = 0f;
            float s17 = 0f;
            for (int b0 = 0; b0 < blocks; b0 += SEGMENT_BLOCKS) {
                int n = TornadoMath.min(SEGMENT_BLOCKS, blocks - b0);
                for (int i = 0; i < n; i++) {
                    Formats.dequantizeBlock(format, w, base0 + (b0 + i) * bytes, wd0, i * 32);
                    Formats.dequantizeBlock(format, w, base1 + (b0 + i) * bytes, wd1, i * 32);
                }
                int c = b0 * 32;
                for (int k = 0; k < n * 32; k++) {
                    float v0 = wd0[k];
                    float v1 = wd1[k];
                    float e0 = x.get(x0 + c + k);
                    float e1 = x.get(x1 + c + k);
                    float e2 = x.get(x2 + c + k);
                    float e3 = x.get(x3 + c + k);
                    float e4 = x.get(x4 + c + k);
                    float e5 = x.get(x5 + c + k);
                    float e6 = x.get(x6 + c + k);
                    float e7 = x.get(x7 + c + k);
                    s00 += v0 * e0;
                    s01 += v0 * e1;
                    s02 += v0 * e2;
                    s03 += v0 * e3;
                    s04 += v0 * e4;
                    s05 += v0 * e5;
                    s06 += v0 * e6;
                    s07 += v0 * e7;
                    s10 += v1 * e0;
                    s11 += v1 * e1;
                    s12 += v1 * e2;
                    s13 += v1 * e3;
                    s14 += v1 * e4;
                    s15 += v1 * e5;
                    s16 += v1 * e6;
                    s17 += v1 * e7;
                }
            }
            store(out, rows, r, j, batch, accumulate, s00, s01, s02, s03);
            if (j + 4 < batch) {
                store(out, rows, r, j + 4, batch, accumulate, s04, s05, s06, s07);
            }
            if (r + 1 < rows) {
                store(out, rows, r + 1, j, batch, accumulate, s10, s11, s12, s13);
                if (j + 4 < batch) {
                    store(out, rows, r + 1, j + 4, batch, accumulate, s14, s15, s16, s17);
                }
            }
        }
    }

    /** {@link #matmat} with Float16 vector values for Q8_0 and Q4_0 ({@link #vectorTiles}): for OpenCL C on CPUs. */
    public static void matmatVectors(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int batch,
            @Dynamic int accumulate,
            int format) {
        for (@Parallel int r = 0; r < rows; r += 2) {
            rowPairVectors(w, x, out, r, rows, cols, batch, accumulate, format);
        }
    }

    /** {@link #matmatLive} with Float16 vector values for Q8_0 and Q4_0 ({@link #vectorTiles}). */
    public static void matmatLiveVectors(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            IntArray chunk,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int batch,
            @Dynamic int accumulate,
            int format) {
        int live = TornadoMath.min(chunk.get(0), batch);
        for (@Parallel int r = 0; r < rows; r += 2) {
            rowPairVectors(w, x, out, r, rows, cols, live, accumulate, format);
        }
    }

    static void rowPairVectors(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int r,
            int rows,
            int cols,
            int batch,
            int accumulate,
            int format) {
        if (Formats.hasLaneRowDot(format)) {
            vectorTiles(w, x, out, r, rows, cols, batch, accumulate, format);
        } else {
            rowPair(w, x, out, r, rows, cols, batch, accumulate, format);
        }
    }

    /**
     * {@link #laneTiles} with Float16 vector values: rows {@code r} and {@code r + 1} times {@link #LANE_TILE}
     * vectors, 2 x 8 float16 accumulators (16 of AVX-512's 32 vector registers), each block's weights converted in
     * registers (two float16 per row: no private segment) and each load of x (vload16) used by both rows. PoCL keeps
     * these at 512 bits where it vectorizes the scalar form at 256 (see {@link MatVecRows}); fma is explicit here, as
     * the scalar form's reductions cannot be.
     */
    static void vectorTiles(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int r,
            int rows,
            int cols,
            int batch,
            int accumulate,
            int format) {
        int bytes = Formats.blockBytes(format);
        int blocks = cols / 32;
        int base0 = r * blocks * bytes;
        int base1 = TornadoMath.min(r + 1, rows - 1) * blocks * bytes;
        for (int j = 0; j < batch; j += LANE_TILE) {
            int x0 = j * cols;
            int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
            int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
            int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
            int x4 = TornadoMath.min(j + 4, batch - 1) * cols;
            int x5 = TornadoMath.min(j + 5, batch - 1) * cols;
            int x6 = TornadoMath.min(j + 6, batch - 1) * cols;
            int x7 = TornadoMath.min(j + 7, batch - 1) * cols;
            Float16 s00 = Float16.broadcast(0f);
            Float16 s01 = Float16.broadcast(0f);
            Float16 s02 = Float16.broadcast(0f);
            Float16 s03 = Float16.broadcast(0f);
            Float16 s04 = Float16.broadcast(0f);
            Float16 s05 = Float16.broadcast(0f);
            Float16 s06 = Float16.broadcast(0f);
            Float16 s07 = Float16.broadcast(0f);
            Float16 s10 = Float16.broadcast(0f);
            Float16 s11 = Float16.broadcast(0f);
            Float16 s12 = Float16.broadcast(0f);
            Float16 s13 = Float16.broadcast(0f);
            Float16 s14 = Float16.broadcast(0f);
            Float16 s15 = Float16.broadcast(0f);
            Float16 s16 = Float16.broadcast(0f);
            Float16 s17 = Float16.broadcast(0f);
            for (int b = 0; b < blocks; b++) {
                int c = b * 32;
                Float16 w0a = Formats.halfVector(format, w, base0 + b * bytes, 0);
                Float16 w0b = Formats.halfVector(format, w, base0 + b * bytes, 1);
                Float16 w1a = Formats.halfVector(format, w, base1 + b * bytes, 0);
                Float16 w1b = Formats.halfVector(format, w, base1 + b * bytes, 1);
                Float16 xa;
                Float16 xb;
                xa = Float16.loadFromArray(x, x0 + c);
                xb = Float16.loadFromArray(x, x0 + c + 16);
                s00 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s00));
                s10 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s10));
                xa = Float16.loadFromArray(x, x1 + c);
                xb = Float16.loadFromArray(x, x1 + c + 16);
                s01 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s01));
                s11 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s11));
                xa = Float16.loadFromArray(x, x2 + c);
                xb = Float16.loadFromArray(x, x2 + c + 16);
                s02 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s02));
                s12 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s12));
                xa = Float16.loadFromArray(x, x3 + c);
                xb = Float16.loadFromArray(x, x3 + c + 16);
                s03 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s03));
                s13 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s13));
                xa = Float16.loadFromArray(x, x4 + c);
                xb = Float16.loadFromArray(x, x4 + c + 16);
                s04 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s04));
                s14 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s14));
                xa = Float16.loadFromArray(x, x5 + c);
                xb = Float16.loadFromArray(x, x5 + c + 16);
                s05 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s05));
                s15 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s15));
                xa = Float16.loadFromArray(x, x6 + c);
                xb = Float16.loadFromArray(x, x6 + c + 16);
                s06 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s06));
                s16 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s16));
                xa = Float16.loadFromArray(x, x7 + c);
                xb = Float16.loadFromArray(x, x7 + c + 16);
                s07 = Float16.fma(w0b, xb, Float16.fma(w0a, xa, s07));
                s17 = Float16.fma(w1b, xb, Float16.fma(w1a, xa, s17));
            }
            store(
                    out,
                    rows,
                    r,
                    j,
                    batch,
                    accumulate,
                    Float16.sum(s00),
                    Float16.sum(s01),
                    Float16.sum(s02),
                    Float16.sum(s03));
            if (j + 4 < batch) {
                store(
                        out,
                        rows,
                        r,
                        j + 4,
                        batch,
                        accumulate,
                        Float16.sum(s04),
                        Float16.sum(s05),
                        Float16.sum(s06),
                        Float16.sum(s07));
            }
            if (r + 1 < rows) {
                store(
                        out,
                        rows,
                        r + 1,
                        j,
                        batch,
                        accumulate,
                        Float16.sum(s10),
                        Float16.sum(s11),
                        Float16.sum(s12),
                        Float16.sum(s13));
                if (j + 4 < batch) {
                    store(
                            out,
                            rows,
                            r + 1,
                            j + 4,
                            batch,
                            accumulate,
                            Float16.sum(s14),
                            Float16.sum(s15),
                            Float16.sum(s16),
                            Float16.sum(s17));
                }
            }
        }
    }

    /** Writes the tile's sums for the vectors that exist (j..batch-1). */
    static void store(
            FloatArray out, int rows, int r, int j, int batch, int accumulate, float s0, float s1, float s2, float s3) {
        MatVecRows.write(out, j * rows + r, accumulate, s0);
        if (j + 1 < batch) {
            MatVecRows.write(out, (j + 1) * rows + r, accumulate, s1);
        }
        if (j + 2 < batch) {
            MatVecRows.write(out, (j + 2) * rows + r, accumulate, s2);
        }
        if (j + 3 < batch) {
            MatVecRows.write(out, (j + 3) * rows + r, accumulate, s3);
        }
    }
}
