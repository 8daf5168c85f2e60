package io.squall.api;

import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;

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
        /** Waits until every work-item of the group has arrived. */
        void barrier();

        /** The group's {@code ordinal}-th local array; created by the first work-item that asks. */
        Object localArray(int ordinal, Class<?> componentType, int length);
    }

    public KernelContext() {}

    /** Called by the JVM backend before the work-item runs. */
    public final void bind(WorkGroup group) {
        this.workGroup = group;
        this.localAllocations = 0;
    }

    public void localBarrier() {
        if (workGroup != null) {
            workGroup.barrier();
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
