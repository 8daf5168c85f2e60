package io.squall.kernels.graphs;

import io.squall.api.types.arrays.ByteArray;
import io.squall.kernels.format.BlockFormat;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix as the kernels see it: rows x cols in GGUF layout, {@code data} a byte view (no copy) over the
 * encoded blocks, whatever the format (the kernels decode F32 and F16 from bytes too, so one kernel serves every format).
 */
public record DeviceWeight(String name, BlockFormat format, ByteArray data, int rows, int cols) {

    /** Views {@code encoded} (e.g. a slice of the mapped GGUF file); checks the format, the size and the block alignment of the rows. */
    public static DeviceWeight of(String name, BlockFormat format, MemorySegment encoded, int rows, int cols) {
        if (!format.hasKernels()) {
            throw new IllegalArgumentException("tensor '" + name + "': " + format + " has no device kernels");
        }
        if (cols % format.blockElements() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + cols + " columns are not a multiple of the "
                    + format + " block size " + format.blockElements());
        }
        long need = format.bytes((long) rows * cols);
        if (encoded.byteSize() < need) {
            throw new IllegalArgumentException("tensor '" + name + "': " + format + " " + rows + " x " + cols
                    + " needs " + need + " bytes, its data has " + encoded.byteSize());
        }
        if (need > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + need + " bytes is more than one device array holds (2 GB)");
        }
        return new DeviceWeight(name, format, ByteArray.view(encoded.asSlice(0, need)), rows, cols);
    }

    /** The kernels' format argument. */
    public int code() {
        return format.code();
    }

    public long bytes() {
        return format.bytes((long) rows * cols);
    }
}
