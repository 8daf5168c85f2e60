package io.squall.exec;

import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the current contents of one host object are: the host copy and each device copy carry a valid flag.
 * A device that writes the object makes its copy the only valid one; reading on another device or the host copies
 * from a valid one. Shared by the plans that use the object when it is persisted on a device.
 */
final class ObjectState {
    final Object object;
    final long bytes;
    final int elementBytes;
    boolean hostValid = true;
    final Map<ComputeDevice, Copy> copies = new LinkedHashMap<>();
    /** Plans holding this state (more than one only for persisted objects). */
    int holders;
    /** Graph that persisted it, or null. */
    String persistedBy;
    /**
     * Given to {@code TaskGraph.allocateOnDevice}: its first device copy starts as allocated (valid, the host's contents
     * never copied in), since the tasks write it before they read it.
     */
    boolean allocatedOnDevice;
    /** Whether such an object got its first device copy (later copies are made from current contents as usual). */
    boolean everOnDevice;

    static final class Copy {
        final DeviceBuffer buffer;
        boolean valid;
        /**
         * The buffer reads the host's read-only memory in place ({@link ComputeDevice#wrapReadOnlyHost}): always
         * current, never copied into, never written by a kernel.
         */
        final boolean hostInPlace;

        Copy(DeviceBuffer buffer) {
            this(buffer, false);
        }

        Copy(DeviceBuffer buffer, boolean hostInPlace) {
            this.buffer = buffer;
            this.hostInPlace = hostInPlace;
            this.valid = hostInPlace;
        }
    }

    ObjectState(Object object) {
        this.object = object;
        this.bytes = HostData.bytes(object);
        this.elementBytes = HostData.elementBytes(object);
    }

    ComputeDevice validDevice() {
        for (Map.Entry<ComputeDevice, Copy> e : copies.entrySet()) {
            if (e.getValue().valid) {
                return e.getKey();
            }
        }
        return null;
    }

    boolean validOnSomeDevice() {
        return validDevice() != null;
    }

    long deviceBytes() {
        long sum = 0;
        for (Copy c : copies.values()) {
            sum += c.buffer.size();
        }
        return sum;
    }

    /** The host's copy is authoritative again (the program changed it): device copies are stale. */
    void hostAuthoritative() {
        hostValid = true;
        copies.values().forEach(c -> c.valid = c.hostInPlace);
    }

    void freeDeviceCopies() {
        if (!hostValid && validOnSomeDevice()) {
            // The newest data was only on a device; after freeing, the host copy (stale) is what remains.
            hostValid = true;
        }
        copies.values().forEach(c -> c.buffer.close());
        copies.clear();
    }

    String describe() {
        return HostData.describe(object);
    }
}
