package io.squall.api;

import io.squall.api.enums.MMAShape;
import io.squall.api.types.BFloat16;
import io.squall.api.types.FP8;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FP8Array;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.matrix.Matrix8x8Float;

/**
 * The work-item's view of an ND-range launch, for kernels written in the OpenCL/CUDA style.
 * In compiled kernels every field and method is an intrinsic (get_global_id, barrier, __local, atomics).
 * On the JVM backend one context object stands for one work-item: the backend sets the fields and
 * installs the {@link WorkGroup} that implements barriers and local memory for its group.
 */
public class KernelContext {
    public int globalIdx, globalIdy, globalIdz;
    public int localIdx, localIdy, localIdz;
    public int groupIdx, groupIdy, groupIdz;
    public int localGroupSizeX = 1, localGroupSizeY = 1, localGroupSizeZ = 1;
    public int globalGroupSizeX = 1, globalGroupSizeY = 1, globalGroupSizeZ = 1;

    /** The JVM backend's per-group services; null outside a JVM launch (sequential calls). */
    private WorkGroup workGroup;

    private int localAllocations;

    /** Implemented by the JVM backend: one instance per work-group. */
    public interface WorkGroup {
        /** Waits until every work-item of the group has arrived; {@code item} is the caller's linear local id. */
        void barrier(int item);

        /** The group's {@code ordinal}-th local array; created by the first work-item that asks. */
        Object localArray(int ordinal, Class<?> componentType, int length);

        /**
         * A warp-collective exchange: work-item {@code item} (its linear local id) gives {@code value} and gets the
         * values of every lane of its warp (the {@value #WARP_SIZE} consecutive linear ids containing it; fewer at the
         * end of a group that is not a multiple), indexed by lane, once they all have arrived. Every lane of the warp
         * must reach each exchange, as a barrier. The result is only read, never kept.
         */
        Object[] warpExchange(int item, Object value);
    }

    /** Lanes of a warp (PTX) or SIMD group (Metal) in the warp-collective operations below. */
    public static final int WARP_SIZE = 32;

    public KernelContext() {}

    /** Called by the JVM backend before the work-item runs. */
    public final void bind(WorkGroup group) {
        this.workGroup = group;
        this.localAllocations = 0;
    }

    public void localBarrier() {
        if (workGroup != null) {
            workGroup.barrier(linearLocalId());
        }
    }

    /** A barrier over the work-group that also orders global memory (OpenCL's CLK_GLOBAL_MEM_FENCE). */
    public void globalBarrier() {
        localBarrier();
    }

    private Object local(Class<?> componentType, int length) {
        int ordinal = localAllocations++;
        if (workGroup != null) {
            return workGroup.localArray(ordinal, componentType, length);
        }
        return java.lang.reflect.Array.newInstance(componentType, length);
    }

    public float[] allocateFloatLocalArray(int size) {
        return (float[]) local(float.class, size);
    }

    public int[] allocateIntLocalArray(int size) {
        return (int[]) local(int.class, size);
    }

    public long[] allocateLongLocalArray(int size) {
        return (long[]) local(long.class, size);
    }

    public double[] allocateDoubleLocalArray(int size) {
        return (double[]) local(double.class, size);
    }

    /** Local half-precision storage (TornadoVM's signature); on the JVM its elements start null, write before reading. */
    public HalfFloat[] allocateHalfFloatLocalArray(int size) {
        return (HalfFloat[]) local(HalfFloat.class, size);
    }

    public byte[] allocateByteLocalArray(int size) {
        return (byte[]) local(byte.class, size);
    }

    // Swizzled local tiles (TornadoVM's layouts): element (row, col) of a row-major tile of `stride` columns lives at
    // its byte offset b XOR-ed with 3 bits of b shifted down (b ^ ((b >> 7) & 7) << 4 for the stride-32 and int8
    // layouts, b ^ ((b >> 6) & 7) << 3 for stride-16), which spreads a column over memory banks. The XOR is its own
    // inverse, so a store and a load with the same (row, col) meet. Kernels compile these inline.

    public HalfFloat swizzleLoadFp16Stride32(HalfFloat[] tile, int row, int col, int stride) {
        return tile[(((row * stride + col) * 2) ^ (((((row * stride + col) * 2) >> 7) & 0b111) << 4)) / 2];
    }

    public void swizzleStoreFp16Stride32(HalfFloat[] tile, int row, int col, int stride, HalfFloat value) {
        tile[(((row * stride + col) * 2) ^ (((((row * stride + col) * 2) >> 7) & 0b111) << 4)) / 2] = value;
    }

    public HalfFloat swizzleLoadFp16Stride16(HalfFloat[] tile, int row, int col, int stride) {
        return tile[(((row * stride + col) * 2) ^ (((((row * stride + col) * 2) >> 6) & 0b111) << 3)) / 2];
    }

    public void swizzleStoreFp16Stride16(HalfFloat[] tile, int row, int col, int stride, HalfFloat value) {
        tile[(((row * stride + col) * 2) ^ (((((row * stride + col) * 2) >> 6) & 0b111) << 3)) / 2] = value;
    }

    public byte swizzleLoadInt8(byte[] tile, int row, int col, int stride) {
        return tile[(row * stride + col) ^ ((((row * stride + col) >> 7) & 0b111) << 4)];
    }

    public void swizzleStoreInt8(byte[] tile, int row, int col, int stride, byte value) {
        tile[(row * stride + col) ^ ((((row * stride + col) >> 7) & 0b111) << 4)] = value;
    }

    // Sub-groups (warps): the work-items of a work-group that run together and exchange values without local memory or
    // barriers: OpenCL's sub_group_* (cl_khr_subgroups), PTX shfl.sync (warps of 32 consecutive local ids; every lane
    // of
    // the warp must reach the call), SPIR-V GroupNonUniform. Where a device has none (OpenCL or SPIR-V without
    // cl_khr_subgroups) and on the JVM, each work-item is a sub-group of one: getSubGroupSize() is 1, reductions and
    // shuffles return their argument. Kernels written against getSubGroupSize() and getSubGroupLocalId() therefore run
    // everywhere; one that assumes a size (32 lanes per row) must be launched only where the size is that (ptx:N).
    // Call them from uniform control flow (all the sub-group's work-items), as a barrier.

    /** This work-item's lane in its sub-group, 0 .. getSubGroupSize() - 1. */
    public int getSubGroupLocalId() {
        return 0;
    }

    /** Work-items per sub-group (32 on NVIDIA GPUs; 1 on the JVM and where a device has no sub-groups). */
    public int getSubGroupSize() {
        return 1;
    }

    /** The sum of {@code value} over the sub-group, in every lane (order of the additions unspecified). */
    public float subGroupReduceAdd(float value) {
        return value;
    }

    public int subGroupReduceAdd(int value) {
        return value;
    }

    /** The largest {@code value} of the sub-group, in every lane. */
    public float subGroupReduceMax(float value) {
        return value;
    }

    public float subGroupReduceMin(float value) {
        return value;
    }

    /** Lane {@code lane}'s {@code value} (any lane may be read; {@code lane} in range). */
    public float subGroupShuffle(float value, int lane) {
        return value;
    }

    public int subGroupShuffle(int value, int lane) {
        return value;
    }

    /** Lane {@code getSubGroupLocalId() ^ mask}'s {@code value}: the butterfly step of a reduction. */
    public float subGroupShuffleXor(float value, int mask) {
        return value;
    }

    public int subGroupShuffleXor(int value, int mask) {
        return value;
    }

    /** Lane {@code lane}'s {@code value} in every lane ({@code lane} the same in all). */
    public float subGroupBroadcast(float value, int lane) {
        return value;
    }

    // SIMD-group operations (TornadoVM's simd*, Metal's simd_sum/simd_shuffle_down/simd_broadcast_first, PTX's
    // shfl.sync over a warp): a SIMD group is the 32 work-items of consecutive linear local ids (fewer at the end of a
    // group that is not a multiple of 32); each call is collective over it, so all its work-items must reach the call.
    // On the JVM the lanes exchange values through the work-group; PTX lowers them to shfl.sync over the warp's
    // existing lanes; OpenCL and SPIR-V reject them (their sub-groups need not be warps of 32).

    /** The sum of {@code val} over the SIMD group, in every lane (added in lane order). */
    public float simdSum(float val) {
        Object[] lanes = exchange(val);
        float sum = 0f;
        for (Object v : lanes) {
            sum += (Float) v;
        }
        return sum;
    }

    /** Lane {@code lane + delta}'s {@code val}; a lane whose source is past the SIMD group's end keeps its own. */
    public float simdShuffleDown(float val, int delta) {
        Object[] lanes = exchange(val);
        long source = (long) simdLane() + delta;
        return delta >= 0 && source < lanes.length ? (Float) lanes[(int) source] : val;
    }

    /** Lane 0's {@code val}, in every lane. */
    public float simdBroadcastFirst(float val) {
        return (Float) exchange(val)[0];
    }

    private int linearLocalId() {
        return localIdx + localGroupSizeX * (localIdy + localGroupSizeY * localIdz);
    }

    private int simdLane() {
        return linearLocalId() % WARP_SIZE;
    }

    private Object[] exchange(Object value) {
        return workGroup != null ? workGroup.warpExchange(linearLocalId(), value) : new Object[] {value};
    }

    // SIMD-group matrices (TornadoVM's simdgroupMatrix*, Metal's simdgroup_float8x8): an 8x8 fp32 fragment shared by a
    // SIMD group. On the JVM each lane holds and computes the whole fragment, so every lane sees the same values and
    // the lanes need not meet; stores from the lanes write the same values. Row-major throughout; bases and strides
    // count elements.

    /** C = A x B over {@code k} (a multiple of 8) for one 8x8 tile of C, all row-major with the given leading strides. */
    public void matrixMultiply8x8(
            FloatArray a,
            int aBase,
            int lda,
            FloatArray b,
            int bBase,
            int ldb,
            FloatArray c,
            int cBase,
            int ldc,
            int k) {
        if (k % 8 != 0) {
            throw new IllegalArgumentException("matrixMultiply8x8: k = " + k + " is not a multiple of 8");
        }
        Matrix8x8Float acc = simdgroupMatrixZero();
        for (int p = 0; p < k; p += 8) {
            acc = simdgroupMatrixMultiplyAccumulate(
                    simdgroupMatrixLoad(a, aBase + p, lda), simdgroupMatrixLoad(b, bBase + p * ldb, ldb), acc);
        }
        simdgroupMatrixStore(acc, c, cBase, ldc);
    }

    public Matrix8x8Float simdgroupMatrixZero() {
        return new Matrix8x8Float();
    }

    /** The 8x8 matrix whose row {@code i} starts at element {@code base + i * stride}. */
    public Matrix8x8Float simdgroupMatrixLoad(FloatArray a, int base, int stride) {
        Matrix8x8Float m = new Matrix8x8Float();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                m.values[i * 8 + j] = a.get(base + i * stride + j);
            }
        }
        return m;
    }

    /** As above, from a local array. */
    public Matrix8x8Float simdgroupMatrixLoad(float[] a, int base, int stride) {
        Matrix8x8Float m = new Matrix8x8Float();
        for (int i = 0; i < 8; i++) {
            System.arraycopy(a, base + i * stride, m.values, i * 8, 8);
        }
        return m;
    }

    /** {@code a x b + c}, a new fragment. */
    public Matrix8x8Float simdgroupMatrixMultiplyAccumulate(Matrix8x8Float a, Matrix8x8Float b, Matrix8x8Float c) {
        Matrix8x8Float d = new Matrix8x8Float();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                float acc = c.values[i * 8 + j];
                for (int p = 0; p < 8; p++) {
                    acc += a.values[i * 8 + p] * b.values[p * 8 + j];
                }
                d.values[i * 8 + j] = acc;
            }
        }
        return d;
    }

    /** Writes {@code m}'s row {@code i} from element {@code base + i * stride}. */
    public void simdgroupMatrixStore(Matrix8x8Float m, FloatArray c, int base, int stride) {
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                c.set(base + i * stride + j, m.values[i * 8 + j]);
            }
        }
    }

    // Tensor-core MMA (TornadoVM's mma*, PTX mma.sync.aligned.m16n8k16 / m16n8k32 with ldmatrix loads). A warp (the 32
    // work-items of consecutive linear local ids) computes D = A x B + C for a 16x8 tile; each lane holds a fragment,
    // in PTX's layouts: with g = lane / 4 and t = lane % 4,
    //   fp16/bf16 A (16x16): a[0..1] = A[g][2t..2t+1],  a[2..3] = A[g+8][2t..],
    //                        a[4..5] = A[g][2t+8..],     a[6..7] = A[g+8][2t+8..]
    //   fp16/bf16 B (16x8):  b[0..1] = B[2t..2t+1][g], b[2..3] = B[2t+8..2t+9][g]
    //   int8/fp8 A (16x32):  a[0..3] = A[g][4t..4t+3],  a[4..7] = A[g+8][4t..],
    //                        a[8..11] = A[g][4t+16..],   a[12..15] = A[g+8][4t+16..]
    //   int8/fp8 B (32x8):   b[0..3] = B[4t..4t+3][g], b[4..7] = B[4t+16..4t+19][g]
    //   C and D (16x8):      c[0..1] = D[g][2t..2t+1], c[2..3] = D[g+8][2t..2t+1]
    // The loads read tiles in local memory packed as ints (little-endian: element 2i in the low half of int i): A is
    // 16 rows of 32 bytes (16 halves or 32 bytes of int8/fp8), B is 16 rows of 16 bytes (8 halves; for int8/fp8 row r
    // holds the byte pairs B[2r][n], B[2r+1][n] for n = 0..7), from an optional byte offset (a multiple of 16). The
    // loads and stores are each lane's own; mma* is collective over the warp: on the JVM the lanes exchange their
    // fragments through the work-group; PTX lowers them to mma.sync with the fragments in registers (mma* then
    // accumulate into fragC and return it); OpenCL and SPIR-V reject them. HalfFloat fragments hold raw 16-bit
    // patterns (fp16 for mma, bf16 for mmaBF16).

    private static final int MMA_A_ROW_BYTES = 32;
    private static final int MMA_B_ROW_BYTES = 16;

    /** An accumulator fragment (4 floats) filled with {@code v}. */
    public float[] mmaFragment(float v) {
        return new float[] {v, v, v, v};
    }

    /** An int8 accumulator fragment (4 ints) filled with {@code initValue}. */
    public int[] mmaFragmentInt(int initValue) {
        return new int[] {initValue, initValue, initValue, initValue};
    }

    /** This lane's A fragment (8 halves) of the 16x16 fp16/bf16 tile at the start of {@code aTile}. */
    public HalfFloat[] mmaLoadA(int[] aTile, int wmmaK) {
        return mmaLoadA(aTile, wmmaK, 0);
    }

    /** As above, from {@code byteOffset} bytes into the tile (e.g. rows 16..31 of a taller tile at 512). */
    public HalfFloat[] mmaLoadA(int[] aTile, int wmmaK, int byteOffset) {
        checkMmaLoad("mmaLoadA", wmmaK, 16, byteOffset);
        int g = mmaLane() / 4;
        int t = mmaLane() % 4;
        HalfFloat[] frag = new HalfFloat[8];
        for (int i = 0; i < 8; i++) {
            int row = g + ((i >> 1) & 1) * 8;
            int col = 2 * t + (i & 1) + (i >> 2) * 8;
            frag[i] = HalfFloat.fromBits(packedHalf(aTile, byteOffset + row * MMA_A_ROW_BYTES + col * 2));
        }
        return frag;
    }

    /** This lane's B fragment (4 halves) of the 16x8 fp16/bf16 tile (16 rows of 8 halves) at the start of {@code bTile}. */
    public HalfFloat[] mmaLoadB(int[] bTile, int wmmaK) {
        return mmaLoadB(bTile, wmmaK, 0);
    }

    /** As above, from {@code byteOffset} bytes into the tile (one 16x8 tile is 256 bytes). */
    public HalfFloat[] mmaLoadB(int[] bTile, int wmmaK, int byteOffset) {
        checkMmaLoad("mmaLoadB", wmmaK, 16, byteOffset);
        HalfFloat[] frag = new HalfFloat[4];
        for (int i = 0; i < 4; i++) {
            frag[i] = HalfFloat.fromBits(
                    packedHalf(bTile, byteOffset + mmaBRow(i) * MMA_B_ROW_BYTES + mmaLane() / 4 * 2));
        }
        return frag;
    }

    /** As {@link #mmaLoadB(int[], int)}, from a tile written with {@link #swizzleStoreFp16Stride32} (stride 8). */
    public HalfFloat[] mmaLoadBSwizzled(HalfFloat[] bTile, int wmmaK) {
        return mmaLoadBSwizzled(bTile, wmmaK, 0);
    }

    /** As above, the swizzled tile starting {@code byteOffset} bytes into {@code bTile}. */
    public HalfFloat[] mmaLoadBSwizzled(HalfFloat[] bTile, int wmmaK, int byteOffset) {
        checkMmaLoad("mmaLoadBSwizzled", wmmaK, 16, byteOffset);
        HalfFloat[] frag = new HalfFloat[4];
        for (int i = 0; i < 4; i++) {
            int index = (byteOffset + swizzleStride32((mmaBRow(i) * 8 + mmaLane() / 4) * 2)) / 2;
            HalfFloat h = bTile[index];
            if (h == null) {
                throw new IllegalStateException("mmaLoadBSwizzled: element " + index + " of the local tile was never"
                        + " written (local HalfFloat arrays start empty on the JVM)");
            }
            frag[i] = h;
        }
        return frag;
    }

    /** Stores {@code value} at ({@code row}, {@code col}) of a swizzled stride-32 tile placed {@code byteOffset} bytes into {@code arr}. */
    public void mmaStoreBSwizzled(HalfFloat[] arr, int row, int col, int stride, HalfFloat value, int byteOffset) {
        arr[(swizzleStride32((row * stride + col) * 2) + byteOffset) / 2] = value;
    }

    /** D = A x B + C over the warp for fp16 fragments ({@link MMAShape#M16N8K16}); collective. */
    public float[] mma(HalfFloat[] fragA, HalfFloat[] fragB, float[] fragC, MMAShape mmaShape) {
        return mmaHalves("mma", fragA, fragB, fragC, mmaShape, false);
    }

    /** As {@link #mma}, the fragments' 16-bit patterns read as bfloat16. */
    public float[] mmaBF16(HalfFloat[] fragA, HalfFloat[] fragB, float[] fragC, MMAShape mmaShape) {
        return mmaHalves("mmaBF16", fragA, fragB, fragC, mmaShape, true);
    }

    /** Writes this lane's 4 elements of D to {@code c} (row-major, {@code dimN} columns) at tile origin ({@code tileRow}, {@code tileCol}). */
    public void mmaStore(float[] fragD, FloatArray c, int tileRow, int tileCol, int dimN) {
        checkFragment("mmaStore", "fragD", fragD.length, 4);
        for (int i = 0; i < 4; i++) {
            c.set((tileRow + mmaDRow(i)) * dimN + tileCol + mmaDCol(i), fragD[i]);
        }
    }

    /** This lane's A fragment (16 bytes) of the 16x32 int8 tile at the start of {@code aTile}. */
    public byte[] mmaLoadAInt8(int[] aTile, int tileK) {
        return loadABytes("mmaLoadAInt8", aTile, tileK);
    }

    /** This lane's B fragment (8 bytes) of the 32x8 int8 tile at the start of {@code bTile}. */
    public byte[] mmaLoadBInt8(int[] bTile, int tileK) {
        return loadBBytes("mmaLoadBInt8", bTile, tileK);
    }

    /** D = A x B + C over the warp for int8 fragments ({@link MMAShape#M16N8K32}), int32 accumulation wrapping as PTX's; collective. */
    public int[] mmaInt8(byte[] fragA, byte[] fragB, int[] fragC, MMAShape shape) {
        checkShape("mmaInt8", shape, MMAShape.M16N8K32);
        checkByteFragments("mmaInt8", fragA, fragB);
        checkFragment("mmaInt8", "fragC", fragC.length, 4);
        Object[] lanes = mmaExchange("mmaInt8", new Object[] {fragA, fragB});
        int[] d = new int[4];
        for (int i = 0; i < 4; i++) {
            int acc = fragC[i];
            for (int k = 0; k < 32; k++) {
                acc += byteA(lanes, mmaDRow(i), k) * byteB(lanes, k, mmaDCol(i));
            }
            d[i] = acc;
        }
        return d;
    }

    /** As {@link #mmaStore}, for an int8 MMA's int32 accumulator. */
    public void mmaStoreInt(int[] fragD, IntArray out, int row, int col, int stride) {
        checkFragment("mmaStoreInt", "fragD", fragD.length, 4);
        for (int i = 0; i < 4; i++) {
            out.set((row + mmaDRow(i)) * stride + col + mmaDCol(i), fragD[i]);
        }
    }

    /** As {@link #mmaLoadAInt8}: the bytes are FP8 codes, read by the FP8 mma call. */
    public byte[] mmaLoadAFP8(int[] aTile, int tileK) {
        return loadABytes("mmaLoadAFP8", aTile, tileK);
    }

    /** As {@link #mmaLoadBInt8}, for FP8 codes. */
    public byte[] mmaLoadBFP8(int[] bTile, int tileK) {
        return loadBBytes("mmaLoadBFP8", bTile, tileK);
    }

    /** D = A x B + C over the warp, the bytes read as OCP FP8 E4M3 ({@link MMAShape#M16N8K32}, fp32 accumulation); collective. */
    public float[] mmaFP8E4M3(byte[] fragA, byte[] fragB, float[] fragC, MMAShape shape) {
        return mmaFp8("mmaFP8E4M3", fragA, fragB, fragC, shape, false);
    }

    /** As {@link #mmaFP8E4M3}, the bytes read as OCP FP8 E5M2. */
    public float[] mmaFP8E5M2(byte[] fragA, byte[] fragB, float[] fragC, MMAShape shape) {
        return mmaFp8("mmaFP8E5M2", fragA, fragB, fragC, shape, true);
    }

    // cp.async (TornadoVM's asyncCopy*): a 4-byte copy from global to local memory, packed like the cooperative loads
    // above. Squall copies synchronously everywhere, so commit and wait have nothing left to do.

    /** {@code dstTile[dstIndex] = src[srcIndex] | src[srcIndex + 1] << 16} as half bit patterns. */
    public void asyncCopyToLocal(int[] dstTile, int dstIndex, HalfFloatArray src, int srcIndex) {
        int lo = src.get(srcIndex).getHalfFloatValue() & 0xFFFF;
        int hi = src.get(srcIndex + 1).getHalfFloatValue() & 0xFFFF;
        dstTile[dstIndex] = lo | (hi << 16);
    }

    /** Four FP8 codes {@code src[srcIndex..srcIndex + 3]} into {@code dstTile[dstIndex]}, the first in the low byte. */
    public void asyncCopyToLocal(int[] dstTile, int dstIndex, FP8Array src, int srcIndex) {
        dstTile[dstIndex] = (src.get(srcIndex) & 0xFF)
                | ((src.get(srcIndex + 1) & 0xFF) << 8)
                | ((src.get(srcIndex + 2) & 0xFF) << 16)
                | ((src.get(srcIndex + 3) & 0xFF) << 24);
    }

    /** Four bytes {@code src[srcIndex..srcIndex + 3]} into {@code dstTile[dstIndex]}, the first in the low byte. */
    public void asyncCopyToLocal(int[] dstTile, int dstIndex, ByteArray src, int srcIndex) {
        dstTile[dstIndex] = (src.get(srcIndex) & 0xFF)
                | ((src.get(srcIndex + 1) & 0xFF) << 8)
                | ((src.get(srcIndex + 2) & 0xFF) << 16)
                | ((src.get(srcIndex + 3) & 0xFF) << 24);
    }

    /** Ends a group of async copies (the copies are already done). */
    public void asyncCopyCommit() {}

    /** Waits for all but {@code groups} committed copy groups (the copies are already done). */
    public void asyncCopyWaitGroup(int groups) {}

    private int mmaLane() {
        return linearLocalId() % WARP_SIZE;
    }

    /** Row of B (fp16/bf16) that element {@code i} of this lane's B fragment comes from. */
    private int mmaBRow(int i) {
        return 2 * (mmaLane() % 4) + (i & 1) + (i >> 1) * 8;
    }

    /** Row and column of D that element {@code i} of this lane's C/D fragment holds. */
    private int mmaDRow(int i) {
        return mmaLane() / 4 + (i >> 1) * 8;
    }

    private int mmaDCol(int i) {
        return 2 * (mmaLane() % 4) + (i & 1);
    }

    private static int swizzleStride32(int byteOffset) {
        return byteOffset ^ (((byteOffset >> 7) & 0b111) << 4);
    }

    /** The 16 bits at {@code byteOffset} of an int-packed tile (little-endian). */
    private static short packedHalf(int[] tile, int byteOffset) {
        return (short) (tile[byteOffset >> 2] >>> ((byteOffset & 2) * 8));
    }

    private static byte packedByte(int[] tile, int byteOffset) {
        return (byte) (tile[byteOffset >> 2] >>> ((byteOffset & 3) * 8));
    }

    private byte[] loadABytes(String method, int[] aTile, int tileK) {
        checkMmaLoad(method, tileK, 32, 0);
        int g = mmaLane() / 4;
        int t = mmaLane() % 4;
        byte[] frag = new byte[16];
        for (int i = 0; i < 16; i++) {
            int row = g + ((i >> 2) & 1) * 8;
            int col = 4 * t + (i & 3) + (i >> 3) * 16;
            frag[i] = packedByte(aTile, row * MMA_A_ROW_BYTES + col);
        }
        return frag;
    }

    private byte[] loadBBytes(String method, int[] bTile, int tileK) {
        checkMmaLoad(method, tileK, 32, 0);
        int n = mmaLane() / 4;
        byte[] frag = new byte[8];
        for (int i = 0; i < 8; i++) {
            int k = 4 * (mmaLane() % 4) + (i & 3) + (i >> 2) * 16;
            frag[i] = packedByte(bTile, (k / 2) * MMA_B_ROW_BYTES + n * 2 + (k & 1));
        }
        return frag;
    }

    private float[] mmaHalves(
            String method, HalfFloat[] fragA, HalfFloat[] fragB, float[] fragC, MMAShape shape, boolean bf16) {
        checkShape(method, shape, MMAShape.M16N8K16);
        checkFragment(method, "fragA", fragA.length, 8);
        checkFragment(method, "fragB", fragB.length, 4);
        checkFragment(method, "fragC", fragC.length, 4);
        Object[] lanes = mmaExchange(method, new Object[] {fragA, fragB});
        float[] d = new float[4];
        for (int i = 0; i < 4; i++) {
            float acc = fragC[i];
            for (int k = 0; k < 16; k++) {
                acc += value(halfA(lanes, mmaDRow(i), k), bf16) * value(halfB(lanes, k, mmaDCol(i)), bf16);
            }
            d[i] = acc;
        }
        return d;
    }

    private float[] mmaFp8(String method, byte[] fragA, byte[] fragB, float[] fragC, MMAShape shape, boolean e5m2) {
        checkShape(method, shape, MMAShape.M16N8K32);
        checkByteFragments(method, fragA, fragB);
        checkFragment(method, "fragC", fragC.length, 4);
        Object[] lanes = mmaExchange(method, new Object[] {fragA, fragB});
        float[] d = new float[4];
        for (int i = 0; i < 4; i++) {
            float acc = fragC[i];
            for (int k = 0; k < 32; k++) {
                byte a = (byte) byteA(lanes, mmaDRow(i), k);
                byte b = (byte) byteB(lanes, k, mmaDCol(i));
                acc += e5m2 ? FP8.e5m2ToFloat(a) * FP8.e5m2ToFloat(b) : FP8.e4m3ToFloat(a) * FP8.e4m3ToFloat(b);
            }
            d[i] = acc;
        }
        return d;
    }

    /** Each lane's {fragA, fragB}, by lane; the warp must be whole. */
    private Object[] mmaExchange(String method, Object[] fragments) {
        Object[] lanes = exchange(fragments);
        if (lanes.length != WARP_SIZE) {
            throw new IllegalStateException(method + " is collective over a warp of " + WARP_SIZE
                    + " work-items, but this work-item's warp has " + lanes.length
                    + (workGroup == null ? " (called outside a kernel launch)" : " (the work-group is too small)"));
        }
        return lanes;
    }

    /** A[row][k] of an fp16/bf16 tile, from the lane that holds it. */
    private static short halfA(Object[] lanes, int row, int k) {
        int lane = (row % 8) * 4 + (k % 8) / 2;
        int index = (k & 1) + (row / 8) * 2 + (k / 8) * 4;
        return ((HalfFloat[]) ((Object[]) lanes[lane])[0])[index].getHalfFloatValue();
    }

    private static short halfB(Object[] lanes, int k, int col) {
        int lane = col * 4 + (k % 8) / 2;
        int index = (k & 1) + (k / 8) * 2;
        return ((HalfFloat[]) ((Object[]) lanes[lane])[1])[index].getHalfFloatValue();
    }

    private static int byteA(Object[] lanes, int row, int k) {
        int lane = (row % 8) * 4 + (k % 16) / 4;
        int index = (k & 3) + (row / 8) * 4 + (k / 16) * 8;
        return ((byte[]) ((Object[]) lanes[lane])[0])[index];
    }

    private static int byteB(Object[] lanes, int k, int col) {
        int lane = col * 4 + (k % 16) / 4;
        int index = (k & 3) + (k / 16) * 4;
        return ((byte[]) ((Object[]) lanes[lane])[1])[index];
    }

    private static float value(short bits, boolean bf16) {
        return bf16 ? BFloat16.bf16ToFloat(bits) : HalfFloat.toFloat(bits);
    }

    private static void checkShape(String method, MMAShape shape, MMAShape expected) {
        if (shape != expected) {
            throw new IllegalArgumentException(method + " computes the shape " + expected + ", not " + shape);
        }
    }

    private static void checkMmaLoad(String method, int k, int expectedK, int byteOffset) {
        if (k != expectedK) {
            throw new IllegalArgumentException(
                    method + ": the tile's K is " + expectedK + " for this instruction shape, got " + k);
        }
        if (byteOffset < 0 || byteOffset % 16 != 0) {
            throw new IllegalArgumentException(method + ": byteOffset " + byteOffset
                    + " is not a non-negative multiple of 16 (ldmatrix rows are 16-byte aligned)");
        }
    }

    private static void checkFragment(String method, String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(
                    method + ": " + what + " has " + length + " elements, a fragment of this shape has " + expected);
        }
    }

    private static void checkByteFragments(String method, byte[] fragA, byte[] fragB) {
        checkFragment(method, "fragA", fragA.length, 16);
        checkFragment(method, "fragB", fragB.length, 8);
    }

    // Atomics return the previous value, as OpenCL's atomic_add does.

    public int atomicAdd(IntArray array, int index, int value) {
        synchronized (array) {
            int old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    public long atomicAdd(LongArray array, int index, long value) {
        synchronized (array) {
            long old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    public float atomicAdd(FloatArray array, int index, float value) {
        synchronized (array) {
            float old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    public double atomicAdd(DoubleArray array, int index, double value) {
        synchronized (array) {
            double old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    public int atomicAdd(int[] localArray, int index, int value) {
        synchronized (localArray) {
            int old = localArray[index];
            localArray[index] = old + value;
            return old;
        }
    }

    public float atomicAdd(float[] localArray, int index, float value) {
        synchronized (localArray) {
            float old = localArray[index];
            localArray[index] = old + value;
            return old;
        }
    }
}
