package io.squall.kernels.graphs;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.TornadoNativeArray;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix as the kernels see it: rows x cols in GGUF layout, {@code data} a view (no copy) over the encoded
 * bytes: a FloatArray for F32, a HalfFloatArray for F16, a ByteArray of blocks for the quantized types.
 */
public record DeviceWeight(String name, WeightFormat format, TornadoNativeArray data, int rows, int cols) {

    /** Views {@code encoded} (e.g. a slice of the mapped GGUF file); checks the size and the block alignment of the rows. */
    public static DeviceWeight of(String name, WeightFormat format, MemorySegment encoded, int rows, int cols) {
        if (cols % format.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + cols + " columns are not a multiple of the " + format
                    + " block size " + format.blockSize());
        }
        long need = format.bytes((long) rows * cols);
        if (encoded.byteSize() < need) {
            throw new IllegalArgumentException("tensor '" + name + "': " + format + " " + rows + " x " + cols + " needs " + need
                    + " bytes, its data has " + encoded.byteSize());
        }
        if (need > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("tensor '" + name + "': " + need + " bytes is more than one device array holds (2 GB)");
        }
        MemorySegment data = encoded.asSlice(0, need);
        TornadoNativeArray array = switch (format) {
            case F32 -> FloatArray.view(data);
            case F16 -> HalfFloatArray.view(data);
            default -> ByteArray.view(data);
        };
        return new DeviceWeight(name, format, array, rows, cols);
    }

    public long bytes() {
        return format.bytes((long) rows * cols);
    }
}
