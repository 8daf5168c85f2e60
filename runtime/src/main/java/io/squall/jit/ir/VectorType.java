package io.squall.jit.ir;

/**
 * A vector of {@code lanes} values of {@code element} (TornadoVM's Float4/Float8/Float16 in kernels): a value held in
 * registers, never in memory. Only f32 elements of 2, 4, 8 or 16 lanes (the OpenCL C vector widths).
 */
public record VectorType(ScalarType element, int lanes) implements Type {
    public VectorType {
        if (element != ScalarType.F32 || Integer.bitCount(lanes) != 1 || lanes < 2 || lanes > 16) {
            throw new IllegalArgumentException("no vector type of " + lanes + " x " + element);
        }
    }

    @Override
    public String toString() {
        return element + "x" + lanes;
    }
}
