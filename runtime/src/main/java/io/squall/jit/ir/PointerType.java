package io.squall.jit.ir;

/** Pointer to elements of {@code element} in {@code space}. */
public record PointerType(ScalarType element, AddressSpace space) implements Type {
    @Override
    public String toString() {
        return element + "*" + space;
    }
}
