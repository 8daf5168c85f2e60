package io.squall.jit.ir;

/** Where a pointer points: device memory, the work-group's local memory, or the work-item's own memory. */
public enum AddressSpace {
    GLOBAL,
    LOCAL,
    PRIVATE;

    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
