package io.squall.api;

import io.squall.api.common.Access;

/** The arguments of a prebuilt task with how each is accessed (TornadoVM's AccessorParameters). */
public class AccessorParameters {
    private final PairAccessor[] accessors;

    public AccessorParameters(int numParameters) {
        accessors = new PairAccessor[numParameters];
    }

    public void set(int index, Object object, Access access) {
        accessors[index] = new PairAccessor(object, access);
    }

    public int numAccessors() {
        return accessors.length;
    }

    public PairAccessor getAccessor(int index) {
        return accessors[index];
    }

    public record PairAccessor(Object object, Access access) {}
}
