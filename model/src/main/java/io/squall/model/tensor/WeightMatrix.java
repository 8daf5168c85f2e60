package io.squall.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A rows x cols weight matrix stored as GGUF lays it out: row r is elements [r*cols, (r+1)*cols), encoded
 * in one of F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K. Products read the encoded bytes directly (fused
 * dequantization) and run over output rows in parallel on {@link Threads}. Safe to share between threads.
 *
 * <p>Activation precision: by default x stays in float and results equal the scalar reference up to float
 * rounding (the CPU engine is the numerical reference of the accelerated one). {@link #withQuantizedActivations()}
 * (or {@code -Dsquall.matvec.int8=true} for every matrix) makes {@link #matvec} of Q4_0, Q4_1, Q5_0, Q5_1, Q4_K and Q6_K quantize x
 * to 8 bits per block of 32 once per call and use integer dot products ({@link IntegerDots}), as llama.cpp does:
 * about 1.2-1.35x faster, results move by at most sum_b scale_b / 2 * sum |w| (x's rounding; see
 * {@link QuantizedVector}), which is enough to flip near-tied greedy choices. {@link #dotRow} and {@link #matmul}
 * with a batch above 1 use float x, except on a repacked Q4_0 copy (below).
 *
 * <p>Repacked Q4_0, Q4_K and Q6_K: {@link #repacked} copies such a matrix into 16-row interleaved groups
 * ({@link InterleavedQ4_0}, {@link InterleavedQ4_K}, {@link InterleavedQ6_K}; llama.cpp repacks Q4_0 and Q4_K at
 * load). A repacked matrix with quantized activations reads only the copy in {@link #matvec} and {@link #matmul}
 * (the mapped bytes may then be dropped from memory); {@link #dotRow}, {@link #dequantizeRow} and the
 * float-activation products read the original bytes, unchanged. A repacked Q4_0 {@link #matmul} quantizes each vector
 * of x as matvec does and multiplies in 16-bit integer lanes ({@link InterleavedQ4_0Batch}, about 1.6x the float
 * outer products on the copy, which -Dsquall.matmul.int8=false keeps); repacked Q4_K and Q6_K likewise
 * ({@link InterleavedQ4_KBatch}, {@link InterleavedQ6_KBatch}).
 */
public final class WeightMatrix {
    /** Below this many rows a product is not worth handing to other threads. */
    private static final int MIN_ROWS_PER_THREAD = 16;

    private static final ThreadLocal<float[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    /** Per calling thread: matmul's x in the tiles of the interleaved kernels. */
    private static final ThreadLocal<float[]> X_TILES = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: the outputs of a group of 16 rows that does not fit the range asked for. */
    private static final ThreadLocal<float[]> GROUP_SCRATCH =
            ThreadLocal.withInitial(() -> new float[InterleavedQ4_0.ROWS * 32]);

    private static final ThreadLocal<QuantizedVector> X_SCRATCH = ThreadLocal.withInitial(QuantizedVector::new);
    /** Per calling thread: matmul's x quantized for the repacked Q4_0 copy. */
    private static final ThreadLocal<InterleavedQ4_0Batch.Batch> X_BATCH =
            ThreadLocal.withInitial(InterleavedQ4_0Batch.Batch::new);

    /**
     * Prompts on a repacked copy quantize x and take the integer batched products (InterleavedQ4_0Batch,
     * InterleavedQ4_KBatch, InterleavedQ6_KBatch); false: float x, outer products on the decoded copy.
     */
    private static final boolean INT8_MATMUL = !"false".equalsIgnoreCase(System.getProperty("squall.matmul.int8"));

    private static final boolean INT8_DEFAULT = Boolean.getBoolean("squall.matvec.int8");

    private final String name;
    private final GGMLType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final VectorDots.RowDots kernel;
    /** Non-null when matvec quantizes x and takes the integer path. */
    private final IntegerDots.Int8RowDots integerKernel;
    /** The Q4_0 copy in 16-row groups ({@link #repacked}), or null. */
    private final MemorySegment interleaved;
    /** Whether matvec and matmul read {@link #interleaved}: repacked and quantized activations. */
    private final boolean readsInterleaved;

    private final MatvecJob matvecJob = new MatvecJob();
    private final MatmulJob matmulJob = new MatmulJob();

    private WeightMatrix(
            String name,
            GGMLType type,
            MemorySegment data,
            int rows,
            int cols,
            boolean int8,
            MemorySegment interleaved) {
        this.name = name;
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        this.kernel = VectorDots.kernel(type);
        this.integerKernel = int8 && IntegerDots.supports(type) ? IntegerDots.kernel(type) : null;
        this.interleaved = interleaved;
        this.readsInterleaved = integerKernel != null && interleaved != null;
    }

    /** Whether products, dequantization and quantization handle {@code type} (the CPU engine runs it). */
    public static boolean supports(GGMLType type) {
        return Blocks.supported(type);
    }

    /** Wraps {@code data} (not copied); errors name the tensor. */
    public static WeightMatrix of(String name, GGMLType type, MemorySegment data, int rows, int cols) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type of tensor " + name);
        Objects.requireNonNull(data, "data of tensor " + name);
        Blocks.requireSupported(type, "tensor '" + name + "'");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': shape " + rows + " x " + cols + " must be positive");
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + cols + " columns are not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long need = Math.multiplyExact(type.byteSize(cols), (long) rows);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException("tensor '" + name + "': " + type + " " + rows + " x " + cols + " needs "
                    + need + " bytes but its data has " + data.byteSize());
        }
        return new WeightMatrix(name, type, data, rows, cols, INT8_DEFAULT, null);
    }

    /** The same matrix (data shared) whose matvec keeps x in float: exact up to float rounding, slower for low-bit types. */
    public WeightMatrix withFloatActivations() {
        return integerKernel == null ? this : new WeightMatrix(name, type, data, rows, cols, false, interleaved);
    }

    /**
     * The same matrix (data shared) whose matvec quantizes x to 8 bits per 32 and takes the integer path, for the
     * types that have one (Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K; others are returned unchanged). Faster, not exact: see the class comment.
     */
    public WeightMatrix withQuantizedActivations() {
        return integerKernel != null || !IntegerDots.supports(type)
                ? this
                : new WeightMatrix(name, type, data, rows, cols, true, interleaved);
    }

    /**
     * For Q4_0, Q4_K and Q6_K: the same matrix with a copy of its weights in 16-row interleaved groups allocated in
     * {@code arena} (shared or automatic: the worker threads write and read it), built over all threads, which its
     * quantized-activation products read instead of the original bytes (about 1.5x faster per weight; see
     * {@link InterleavedQ4_0}). Other types, or a matrix already repacked: itself.
     */
    public WeightMatrix repacked(Arena arena) {
        Objects.requireNonNull(arena, "arena");
        if (!repacks(type) || interleaved != null) {
            return this;
        }
        return repackedInto(OffHeap.allocate(repackedBytes(), arena));
    }

    /**
     * Bytes of this matrix's repacked copy ({@link #repacked}): 0 for a type that is not repacked. The copy's layout
     * depends only on the type and the shape.
     */
    public long repackedBytes() {
        if (!repacks(type)) {
            return 0;
        }
        return switch (type) {
            case Q4_K -> InterleavedQ4_K.byteSize(rows, cols);
            case Q6_K -> InterleavedQ6_K.byteSize(rows, cols);
            default -> InterleavedQ4_0.byteSize(rows, cols);
        };
    }

    /**
     * {@link #repacked}, into {@code copy} ({@link #repackedBytes} long, e.g. a slice of a file mapping that keeps the
     * copy for later runs), over all threads.
     */
    public WeightMatrix repackedInto(MemorySegment copy) {
        MemorySegment target = checkedCopy(copy);
        long groupBytes = groupBytes();
        java.util.concurrent.atomic.AtomicBoolean finite = new java.util.concurrent.atomic.AtomicBoolean(true);
        Threads.parallelRanges(InterleavedQ4_0.groups(rows), (worker, start, end) -> {
            if (PREFAULT) { // each worker faults in its own part of the copy in one call, before it writes it
                OffHeap.populate(copy, start * groupBytes, end * groupBytes);
            }
            if (!repackGroups(target, start, end)) {
                finite.set(false);
            }
        });
        if (!finite.get()) { // Q4_0 with an Inf or NaN block scale: the file's layout keeps them (InterleavedQ4_0)
            return this;
        }
        return new WeightMatrix(name, type, data, rows, cols, integerKernel != null, target);
    }

    /**
     * This matrix reading {@code copy}, which already holds its repack ({@link #repackedInto} wrote it, e.g. into a
     * file mapped again by a later run); nothing is computed.
     */
    public WeightMatrix withRepackedCopy(MemorySegment copy) {
        return new WeightMatrix(name, type, data, rows, cols, integerKernel != null, checkedCopy(copy));
    }

    private MemorySegment checkedCopy(MemorySegment copy) {
        Objects.requireNonNull(copy, "copy");
        if (!repacks(type) || interleaved != null) {
            throw new IllegalStateException("tensor '" + name + "': " + type
                    + (interleaved != null ? " is repacked already" : " has no repacked layout"));
        }
        if (copy.byteSize() != repackedBytes()) {
            throw new IllegalArgumentException("tensor '" + name + "': its repacked copy takes " + repackedBytes()
                    + " bytes, the segment given has " + copy.byteSize());
        }
        return copy;
    }

    /** The interleaved copy ({@link #repacked}), or null: for tests comparing it with a plain repack. */
    MemorySegment interleavedCopy() {
        return interleaved;
    }

    /** -Dsquall.repack.prefault=false: the repack's copy faulted in by its writes instead ({@link OffHeap#populate}). */
    private static final boolean PREFAULT = !"false".equals(System.getProperty("squall.repack.prefault"));

    /** Whether {@link #repacked} copies matrices of {@code type}: Q4_0, Q4_K and Q6_K (the types of Q4_K_M files). */
    public static boolean repacks(GGMLType type) {
        return type == GGMLType.Q4_0 || type == GGMLType.Q4_K || type == GGMLType.Q6_K;
    }

    /** Repacks groups [g0, g1) into copy; false if the copy cannot hold their values (see {@link #repacked}). */
    private boolean repackGroups(MemorySegment copy, int g0, int g1) {
        switch (type) {
            case Q4_K -> InterleavedQ4_K.repack(data, rows, cols, copy, g0, g1);
            case Q6_K -> InterleavedQ6_K.repack(data, rows, cols, copy, g0, g1);
            default -> {
                return InterleavedQ4_0.repack(data, rows, cols, copy, g0, g1);
            }
        }
        return true;
    }

    /** Bytes of a group of 16 rows in the interleaved copy. */
    private long groupBytes() {
        return switch (type) {
            case Q4_K -> InterleavedQ4_K.groupBytes(cols);
            case Q6_K -> InterleavedQ6_K.groupBytes(cols);
            default -> InterleavedQ4_0.groupBytes(cols);
        };
    }

    /** The 16 rows of interleaved group g times the quantized x, into out[o..o+16). */
    private void groupDot(int g, long groupBytes, QuantizedVector xq, float[] out, int o) {
        switch (type) {
            case Q4_K -> InterleavedQ4_K.dot16(interleaved, g * groupBytes, xq, cols, out, o);
            case Q6_K -> InterleavedQ6_K.dot16(interleaved, g * groupBytes, xq, cols, out, o);
            default -> InterleavedQ4_0.dot16(interleaved, g * groupBytes, xq, cols, out, o);
        }
    }

    /** Columns [c0, c1) of interleaved group g decoded column-major (InterleavedQ4_0.decode16's layout) into w. */
    private void groupDecode(int g, long groupBytes, int c0, int c1, float[] w) {
        switch (type) {
            case Q4_K -> InterleavedQ4_K.decode16(interleaved, g * groupBytes, cols, c0 / 256, c1 / 256, w);
            case Q6_K -> InterleavedQ6_K.decode16(interleaved, g * groupBytes, cols, c0 / 256, c1 / 256, w);
            default -> InterleavedQ4_0.decode16(interleaved, g * groupBytes, c0 / 32, c1 / 32, w);
        }
    }

    /** Whether {@link #repacked} made a copy that this matrix's products read (repacked, quantized activations). */
    public boolean readsRepackedCopy() {
        return readsInterleaved;
    }

    /** Whether {@link #matvec} quantizes x to 8 bits ({@link #withQuantizedActivations()} or -Dsquall.matvec.int8=true). */
    public boolean quantizesActivations() {
        return integerKernel != null;
    }

    public String name() {
        return name;
    }

    public GGMLType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes of one encoded row. */
    public long rowBytes() {
        return rowBytes;
    }

    /** Row {@code row} dotted with x[xOffset..xOffset+cols), vectorized, on the calling thread. */
    public float dotRow(int row, float[] x, int xOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        return kernel.dot(data, row * rowBytes, x, xOffset, cols);
    }

    /** out[outOffset + r] = row r . x for every row, in parallel. */
    public void matvec(float[] x, float[] out, int outOffset) {
        matvec(x, 0, out, outOffset, 0, rows);
    }

    /**
     * out[outOffset + r] = row r . x[xOffset..] for r in [rowStart, rowEnd), in parallel over the range
     * (inline when called from inside a parallel section).
     */
    public void matvec(float[] x, int xOffset, float[] out, int outOffset, int rowStart, int rowEnd) {
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        Objects.checkFromToIndex(rowStart, rowEnd, rows);
        Objects.checkFromToIndex(outOffset + rowStart, outOffset + rowEnd, out.length);
        int n = rowEnd - rowStart;
        if (n == 0) {
            return;
        }
        QuantizedVector xq = null;
        if (integerKernel != null) {
            xq = X_SCRATCH.get();
            xq.quantize(x, xOffset, cols);
            if (readsInterleaved && (type == GGMLType.Q4_0 || type == GGMLType.Q4_K)) {
                xq.prepareNibbles(type, cols);
            } else if (readsInterleaved && type == GGMLType.Q6_K) {
                xq.prepareQ6_K(cols);
            }
        }
        int units = n; // rows, or groups of 16 rows when reading the interleaved copy
        if (readsInterleaved) {
            units = (rowEnd - 1) / InterleavedQ4_0.ROWS - rowStart / InterleavedQ4_0.ROWS + 1;
        }
        if (n < 2 * MIN_ROWS_PER_THREAD || Threads.count() == 1 || Threads.inParallelSection()) {
            matvecRange(x, xOffset, xq, out, outOffset, rowStart, rowEnd, 0, units);
            return;
        }
        synchronized (matvecJob) {
            matvecJob.set(x, xOffset, xq, out, outOffset, rowStart, rowEnd);
            try {
                Threads.parallelRanges(
                        units,
                        readsInterleaved ? MIN_ROWS_PER_THREAD / InterleavedQ4_0.ROWS : MIN_ROWS_PER_THREAD,
                        matvecJob);
            } finally {
                matvecJob.set(null, 0, null, null, 0, 0, 0);
            }
        }
    }

    /**
     * Batched product for prompt processing: x holds {@code batch} vectors of cols, out receives batch vectors
     * of rows (out[b*rows + r] = row r . x_b). Each weight row is decoded once and used for the whole batch.
     */
    public void matmul(float[] x, int batch, float[] out) {
        if (batch < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative batch " + batch);
        }
        Objects.checkFromIndexSize(0, (long) batch * cols, x.length);
        Objects.checkFromIndexSize(0, (long) batch * rows, out.length);
        if (batch == 1) {
            matvec(x, out, 0);
            return;
        }
        int units = rows;
        InterleavedQ4_0Batch.Batch xq = null;
        if (readsInterleaved && INT8_MATMUL) { // x quantized once, before the product
            units = InterleavedQ4_0.groups(rows);
            xq = X_BATCH.get();
            xq.quantize(x, batch, cols);
        } else if (readsInterleaved) { // the interleaved kernels take x in tiles of vectors, column-major
            units = InterleavedQ4_0.groups(rows);
            float[] tiles = X_TILES.get();
            if (tiles.length < batch * cols) {
                tiles = new float[batch * cols];
                X_TILES.set(tiles);
            }
            InterleavedQ4_0.tile(x, batch, cols, tiles);
            x = tiles;
        }
        if (rows < 2 * MIN_ROWS_PER_THREAD || Threads.count() == 1 || Threads.inParallelSection()) {
            matmulRange(x, xq, batch, out, 0, units);
            return;
        }
        synchronized (matmulJob) {
            int minChunk = readsInterleaved ? MIN_ROWS_PER_THREAD / InterleavedQ4_0.ROWS : MIN_ROWS_PER_THREAD;
            matmulJob.set(x, xq, batch, out, units, minChunk);
            try {
                Threads.parallelRanges(units, minChunk, matmulJob);
            } finally {
                matmulJob.set(null, null, 0, null, 0, 1);
            }
        }
    }

    /** Decodes row {@code row} to floats (embedding lookup). */
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        Objects.checkIndex(row, rows);
        Dequantizer.dequantize(type, data, (long) row * cols, dst, dstOffset, cols);
    }

    /** Units [u0, u1) of the row range [rowStart, rowEnd): rows, or groups of 16 rows from rowStart's group. */
    private void matvecRange(
            float[] x,
            int xOffset,
            QuantizedVector xq,
            float[] out,
            int outOffset,
            int rowStart,
            int rowEnd,
            int u0,
            int u1) {
        if (!readsInterleaved) {
            rowsDot(x, xOffset, xq, out, outOffset, rowStart + u0, rowStart + u1);
            return;
        }
        int first = rowStart / InterleavedQ4_0.ROWS;
        long groupBytes = groupBytes();
        // (Q4_K and Q6_K took two groups at a time, sharing x's 16-bit broadcasts, until their kernels read x's
        // coefficients as 32-bit broadcasts from memory: a load each, nothing to share)
        for (int g = first + u0; g < first + u1; g++) {
            int r0 = g * InterleavedQ4_0.ROWS;
            if (r0 >= rowStart && r0 + InterleavedQ4_0.ROWS <= rowEnd) {
                groupDot(g, groupBytes, xq, out, outOffset + r0);
            } else { // a group cut by the range or the matrix's end: only its rows in the range are written
                float[] s = GROUP_SCRATCH.get();
                groupDot(g, groupBytes, xq, s, 0);
                for (int r = Math.max(r0, rowStart); r < Math.min(r0 + InterleavedQ4_0.ROWS, rowEnd); r++) {
                    out[outOffset + r] = s[r - r0];
                }
            }
        }
    }

    /** Units [u0, u1) of the batched product: rows, or groups of 16 rows (then x is in tiles: InterleavedQ4_0.tile). */
    private void matmulRange(float[] x, InterleavedQ4_0Batch.Batch xq, int batch, float[] out, int u0, int u1) {
        if (!readsInterleaved) {
            rowsBatch(x, batch, out, u0, u1);
            return;
        }
        if (xq != null) {
            float[] s = GROUP_SCRATCH.get();
            if (s.length < InterleavedQ4_0.ROWS * batch) {
                s = new float[InterleavedQ4_0.ROWS * batch];
                GROUP_SCRATCH.set(s);
            }
            switch (type) {
                case Q4_K -> InterleavedQ4_KBatch.multiply(interleaved, rows, cols, xq, batch, out, s, u0, u1);
                case Q6_K -> InterleavedQ6_KBatch.multiply(interleaved, rows, cols, xq, batch, out, s, u0, u1);
                default -> InterleavedQ4_0Batch.multiply(interleaved, rows, cols, xq, batch, out, s, u0, u1);
            }
            return;
        }
        int n = InterleavedQ4_0.ROWS;
        int chunk = Math.min(cols, InterleavedQ4_0.CHUNK_COLUMNS);
        float[] w = ROW_SCRATCH.get();
        if (w.length < n * chunk) {
            w = new float[n * chunk];
            ROW_SCRATCH.set(w);
        }
        float[] s = GROUP_SCRATCH.get();
        if (s.length < n * batch) {
            s = new float[n * batch];
            GROUP_SCRATCH.set(s);
        }
        long groupBytes = groupBytes();
        for (int g = u0; g < u1; g++) {
            int r0 = g * n;
            boolean whole = r0 + n <= rows;
            // a whole group writes straight into out; the last, cut by the matrix's end, through s
            float[] dst = whole ? out : s;
            int o = whole ? r0 : 0;
            int stride = whole ? rows : n;
            for (int c0 = 0; c0 < cols; c0 += chunk) { // a chunk of the decoded group stays in L1 for the batch
                int c1 = Math.min(cols, c0 + chunk);
                groupDecode(g, groupBytes, c0, c1, w);
                for (int h = 0; h < n; h += VectorDots.L) {
                    for (int t = 0; t < batch; ) {
                        int width = InterleavedQ4_0.tileWidth(batch - t);
                        switch (width) {
                            case 8 -> InterleavedQ4_0.outer8(w, cols, c0, c1, h, x, t, dst, o, stride);
                            case 4 -> InterleavedQ4_0.outer4(w, cols, c0, c1, h, x, t, dst, o, stride);
                            default -> InterleavedQ4_0.outer1(w, cols, c0, c1, h, x, t, dst, o, stride);
                        }
                        t += width;
                    }
                }
            }
            if (!whole) {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(s, b * n, out, b * rows + r0, rows - r0);
                }
            }
        }
    }

    private void rowsDot(
            float[] x, int xOffset, QuantizedVector xq, float[] out, int outOffset, int rowStart, int rowEnd) {
        if (xq != null) {
            int r = rowStart;
            for (; r + 4 <= rowEnd; r += 4) {
                integerKernel.dot4(data, r * rowBytes, rowBytes, xq, cols, out, outOffset + r);
            }
            for (; r < rowEnd; r++) {
                out[outOffset + r] = integerKernel.dot(data, r * rowBytes, xq, cols);
            }
            return;
        }
        kernel.dotRows(data, rowBytes, x, xOffset, cols, out, outOffset, rowStart, rowEnd);
    }

    /** Rows are decoded four at a time and multiplied with the batch in 4 x 4 blocks (VectorDots.dotBlock4x4). */
    private void rowsBatch(float[] x, int batch, float[] out, int rowStart, int rowEnd) {
        float[] w = ROW_SCRATCH.get();
        if (w.length < 4 * cols) {
            w = new float[4 * cols];
            ROW_SCRATCH.set(w);
        }
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            for (int i = 0; i < 4; i++) {
                kernel.decode(type, data, (r + i) * rowBytes, w, i * cols, cols);
            }
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                VectorDots.dotBlock4x4(w, cols, x, b, out, rows, r);
            }
            if (b < batch) {
                for (int i = 0; i < 4; i++) {
                    VectorDots.dotBatch(w, i * cols, cols, x, b, batch, out, rows, r + i);
                }
            }
        }
        for (; r < rowEnd; r++) {
            kernel.decode(type, data, r * rowBytes, w, 0, cols);
            VectorDots.dotBatch(w, 0, cols, x, 0, batch, out, rows, r);
        }
    }

    /**
     * Runs this type's kernels (float and 8-bit x products, the batched product) on a small seeded matrix on the calling
     * thread, {@code rounds} times, so that C2 has compiled them before a model's first prompt: a cold JVM otherwise
     * spends its first tokens in the interpreter, whose Vector API operations allocate every vector. 24 rows stay
     * below the threshold for handing work to other threads. Returns a checksum so the work cannot be
     * elided.
     * {@code repackedOnly}: for a type that is repacked, only the repack and the repacked copy's products (what an
     * engine with the default 8-bit x runs), not the float-x and unrepacked products: C2 compiling those too cost
     * a cold start CPU time that its two cores lack (C2 compile time is most of the cold run's CPU).
     */
    public static float warmUp(GGMLType type, int rounds, boolean repackedOnly) {
        return new WarmUp(type, repackedOnly).run(rounds);
    }

    /**
     * One type's warm-up matrices, built once and run in slices ({@link #warmUp(GGMLType, int, boolean)} for what it
     * runs): quantizing them (Q4_K's 32x4096 above all) cost more than a slice of rounds.
     */
    public static final class WarmUp {
        private final int rows = 24;
        private final int cols = 512;
        private final float[] x = new float[13 * cols];
        private final float[] out = new float[13 * rows];
        private final WeightMatrix exact;
        private final WeightMatrix quantized;
        private final WeightMatrix repacked;
        private final boolean repackedOnly;
        private final boolean repacks;
        private WeightMatrix twoGroups; // Q4_K and Q6_K prompts' two-group tiles
        private final float[] out2 = new float[13 * 40];
        private int round;

        public WarmUp(GGMLType type, boolean repackedOnly) {
            this(type, repackedOnly, true);
        }

        /**
         * {@code repacks} false: the rounds leave out the repack itself, for a model whose repacked copies are mapped
         * from a file (nothing repacks them; C2 compiling the repack loops would take CPU from the kernels' compiles).
         */
        public WarmUp(GGMLType type, boolean repackedOnly, boolean repacks) {
            Blocks.requireSupported(type, "warm-up");
            this.repackedOnly = repackedOnly;
            this.repacks = repacks;
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            fill(random, x, 0);
            exact = of("warm-up." + type, type, randomBlocks(random, type, rows * cols), rows, cols)
                    .withFloatActivations();
            quantized = exact.withQuantizedActivations();
            repacked = quantized.repacked(Arena.ofAuto());
            // Q4_K and Q6_K prompts take whole groups two at a time (InterleavedQ4_KBatch.PAIRS): 40 rows hold two
            // whole groups and a cut one; their batched product runs on this thread through matmulRange (matmul
            // would hand 40 rows to the workers)
            if (INT8_MATMUL && repacked != quantized && (type == GGMLType.Q4_K || type == GGMLType.Q6_K)) {
                twoGroups = of("warm-up.2." + type, type, randomBlocks(random, type, 40 * cols), 40, cols)
                        .withQuantizedActivations()
                        .repacked(Arena.ofAuto());
            }
        }

        /**
         * Random bytes for {@code elements} elements of {@code type}, with bit 14 of every little-endian 16-bit word
         * cleared: any F16/BF16 scale (at an even offset in every block layout) or F32 value is then finite and below 2
         * in magnitude. Not a quantization of anything (the kernels only need to run): quantizing floats, as before,
         * had C2 compile the quantizers at start-up, which no model load runs.
         */
        private static MemorySegment randomBlocks(java.util.SplittableRandom random, GGMLType type, int elements) {
            byte[] bytes = new byte[Math.toIntExact(type.byteSize(elements))];
            random.nextBytes(bytes);
            for (int i = 1; i < bytes.length; i += 2) {
                bytes[i] &= (byte) 0xBF;
            }
            return MemorySegment.ofArray(bytes);
        }

        /** a[from..) = uniform in [-1, 1); returns a. */
        private static float[] fill(java.util.SplittableRandom random, float[] a, int from) {
            for (int i = from; i < a.length; i++) {
                a[i] = (float) random.nextDouble(-1, 1);
            }
            return a;
        }

        /** {@code rounds} more rounds; returns a checksum so the work cannot be elided. */
        public float run(int rounds) {
            float sum = 0;
            if (repacks && repacked != quantized) { // the repack itself, so that a model's repack runs compiled
                MemorySegment copy = repacked.interleaved;
                for (int r = 0; r < rounds; r++) {
                    repacked.repackGroups(copy, 0, InterleavedQ4_0.groups(rows));
                }
            }
            // the repacked copy's products first: the default (8-bit x) path of a prompt and decoding, which a cold
            // start's warm-up, starved of CPU by the repack's workers, should have compiled first
            for (int r = round; r < round + rounds && repacked != quantized; r++) {
                repacked.matvec(x, out, 0);
                sum += out[r % rows];
                if (r % 4 == 0) {
                    // 4, 6 and 13 vectors: each of the tile kernels (4, 2 and 1 vectors) of a prompt chunk
                    int batch = new int[] {4, 6, 13}[(r / 4) % 3];
                    if (twoGroups == null) {
                        repacked.matmul(x, batch, out);
                        sum += out[r % rows];
                    } else { // instead of the 24 rows (less work than both): the pair's tiles and the cut group's
                        InterleavedQ4_0Batch.Batch xq = X_BATCH.get();
                        xq.quantize(x, batch, cols);
                        twoGroups.matmulRange(x, xq, batch, out2, 0, InterleavedQ4_0.groups(40));
                        sum += out2[r % 40];
                    }
                }
            }
            for (int r = round; r < round + rounds && !(repackedOnly && repacked != quantized); r++) {
                exact.matvec(x, out, 0);
                sum += out[r % rows];
                if (quantized != exact) {
                    quantized.matvec(x, out, 0);
                    sum += out[r % rows];
                }
                if (r % 4 == 0) {
                    exact.matmul(x, 4 + (r / 4) % 2, out); // a tail of the batch too
                    sum += out[r % rows];
                }
            }
            round += rounds;
            return sum;
        }
    }

    @Override
    public String toString() {
        return name + " " + type + " " + rows + "x" + cols;
    }

    /** Reused per matrix so a product allocates nothing. */
    private final class MatvecJob implements Threads.RangeBody {
        private float[] x;
        private int xOffset;
        private QuantizedVector xq;
        private float[] out;
        private int outOffset;
        private int rowStart;
        private int rowEnd;

        void set(float[] x, int xOffset, QuantizedVector xq, float[] out, int outOffset, int rowStart, int rowEnd) {
            this.x = x;
            this.xOffset = xOffset;
            this.xq = xq;
            this.out = out;
            this.outOffset = outOffset;
            this.rowStart = rowStart;
            this.rowEnd = rowEnd;
        }

        @Override
        public void run(int worker, int start, int end) {
            matvecRange(x, xOffset, xq, out, outOffset, rowStart, rowEnd, start, end);
        }
    }

    /**
     * The batched product's units (rows or groups) are handed out in pieces of about 1/8 of a thread's share from a
     * counter, not as one fixed range per thread: on a shared machine a thread that another process slows takes
     * fewer pieces instead of holding the others up at the join. Which thread computes a unit does not change its
     * result.
     */
    private final class MatmulJob implements Threads.RangeBody {
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private float[] x;
        private InterleavedQ4_0Batch.Batch xq;
        private int batch;
        private float[] out;
        private int units;
        private int piece;

        void set(float[] x, InterleavedQ4_0Batch.Batch xq, int batch, float[] out, int units, int minChunk) {
            this.x = x;
            this.xq = xq;
            this.batch = batch;
            this.out = out;
            this.units = units;
            piece = Math.max(minChunk, units / (8 * Threads.count()) / minChunk * minChunk);
            next.set(0);
        }

        @Override
        public void run(int worker, int start, int end) { // [start, end) ignored: pieces come from the counter
            for (int u = next.getAndAdd(piece); u < units; u = next.getAndAdd(piece)) {
                matmulRange(x, xq, batch, out, u, Math.min(units, u + piece));
            }
        }
    }
}
