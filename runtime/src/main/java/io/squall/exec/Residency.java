package io.squall.exec;

import io.squall.api.DataRange;
import io.squall.api.exceptions.TornadoMemoryException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceTimings;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.GraphSpec;

import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the contents of a plan's objects are: one {@link ObjectState} per object (shared with other plans for
 * persisted ones), one buffer per object and device (allocated once, within the plan's memory limit), and the copies
 * between host and devices that a task or a result needs.
 */
final class Residency {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])I?)?B?");

    private final Map<Object, ObjectState> states = new IdentityHashMap<>();
    private long memoryLimit = -1;
    private String memoryLimitText;

    /** @param text e.g. "1GB", "512MB", "64KB", "4096" (bytes; units are powers of 1024); null removes the limit */
    void memoryLimit(String text) {
        if (text == null) {
            memoryLimit = -1;
            memoryLimitText = null;
            return;
        }
        memoryLimit = parseBytes(text);
        memoryLimitText = text;
        if (usage() > memoryLimit) {
            throw new TornadoMemoryException(
                    "withMemoryLimit(\"" + text + "\"): the plan already holds " + usage() + " bytes of device memory");
        }
    }

    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        try {
            if (m.matches()) {
                int shift = m.group(2) == null ? 0 : 10 * (1 + "KMGT".indexOf(m.group(2)));
                return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(
                "memory limit '" + text + "': expected a size such as 1GB, 512MB, 64KB or a number of bytes");
    }

    /** The state of {@code o}, or null when no task of the plan has used it. */
    ObjectState find(Object o) {
        return states.get(o);
    }

    /** The state of {@code o}, created (valid on the host only) on first use. */
    ObjectState state(Object o) {
        return states.computeIfAbsent(o, obj -> {
            ObjectState s = new ObjectState(obj);
            s.holders = 1;
            return s;
        });
    }

    /** Device memory held by this plan's objects. */
    long usage() {
        long sum = 0;
        for (ObjectState s : states.values()) {
            sum += s.deviceBytes();
        }
        return sum;
    }

    /** Devices that hold a copy of some object of the plan. */
    Set<ComputeDevice> devicesWithCopies() {
        Set<ComputeDevice> devices = new LinkedHashSet<>();
        for (ObjectState s : states.values()) {
            devices.addAll(s.copies.keySet());
        }
        return devices;
    }

    /** Makes a graph's consumed object the one a previous graph persisted, unless the plan already has it on a device. */
    void adoptConsumed(GraphSpec g, GraphSpec.Consumed c) {
        ObjectState own = states.get(c.object());
        if (own != null && own.validOnSomeDevice()) {
            return;
        }
        ObjectState shared = PersistedObjects.find(c.graph(), c.object());
        if (shared != null && shared != own) {
            if (own != null) {
                release(own);
            }
            synchronized (shared) {
                shared.holders++;
            }
            states.put(c.object(), shared);
            return;
        }
        if (own == null) {
            String from = c.graph() == null ? "an earlier graph" : "graph " + c.graph();
            throw new TornadoRuntimeException(
                    "task graph " + g.name() + " consumes a " + new ObjectState(c.object()).describe() + " from " + from
                            + ", but it is not on a device: run that graph first, list the object in its persistOnDevice(...), and keep its plan open");
        }
        // Known here and current on the host (e.g. after freeDeviceMemory): it is copied in when needed.
    }

    /** Publishes the states of a graph's persisted objects to the plans that consume them. */
    void persist(GraphSpec g) {
        for (Object o : g.persisted()) {
            ObjectState s = states.get(o);
            if (s != null) {
                s.persistedBy = g.name();
                PersistedObjects.put(g.name(), s);
            }
        }
    }

    /** Drops this plan's hold on a state, freeing its device copies when no plan holds it any more. */
    private static void release(ObjectState s) {
        synchronized (s) {
            if (--s.holders <= 0) {
                s.freeDeviceCopies();
                if (s.persistedBy != null) {
                    PersistedObjects.remove(s);
                }
            }
        }
    }

    /** Releases every state (persisted ones stay while another plan holds them). */
    void releaseAll() {
        states.values().forEach(Residency::release);
        states.clear();
    }

    /**
     * Makes {@code s} current on {@code device} for task {@code task}, allocating its buffer there on first use. An
     * off-heap array over read-only memory (a memory-mapped model file) that the task only reads goes to a buffer that
     * reads it in place where the device offers one ({@link ComputeDevice#wrapReadOnlyHost}: CPU OpenCL devices);
     * a task that writes such an array is refused.
     */
    void ensureOn(ObjectState s, ComputeDevice device, ExecutionProfile profile, String task, boolean onlyRead) {
        if (device.usesHostMemory()) {
            ensureOnHost(s, profile);
            return;
        }
        synchronized (s) {
            ObjectState.Copy copy = s.copies.get(device);
            if (copy != null && copy.hostInPlace && !onlyRead) {
                throw new TornadoRuntimeException(
                        "task " + task + " writes the " + s.describe()
                                + ", whose memory is read-only (e.g. a memory-mapped file); copy it into a writable array first");
            }
            if (copy == null
                    && onlyRead
                    && s.object instanceof TornadoNativeArray a
                    && a.getSegment().isReadOnly()) {
                DeviceBuffer inPlace = device.wrapReadOnlyHost(a.getSegment().asSlice(0, s.bytes));
                if (inPlace != null) {
                    copy = new ObjectState.Copy(inPlace, true);
                    s.copies.put(device, copy);
                }
            }
            if (copy == null) {
                if (memoryLimit >= 0 && usage() + s.bytes > memoryLimit) {
                    throw new TornadoMemoryException(
                            "task " + task + " needs " + s.bytes + " more bytes on " + device.id() + " for a "
                                    + s.describe() + ", beyond the plan's memory limit withMemoryLimit(\""
                                    + memoryLimitText + "\") = "
                                    + memoryLimit + " bytes (" + usage() + " in use)");
                }
                copy = new ObjectState.Copy(device.allocate(s.bytes));
                s.copies.put(device, copy);
            }
            if (copy.hostInPlace) {
                // the device reads the host memory itself: once unmapped (the model closed) it would fault in the
                // driver
                if (!(s.object instanceof TornadoNativeArray a)
                        || !a.getSegment().scope().isAlive()) {
                    throw new TornadoRuntimeException("task " + task + " reads the " + s.describe()
                            + " in place, but its memory was freed (a memory-mapped file closed while a plan uses it)");
                }
                return;
            }
            if (copy.valid) {
                return;
            }
            if (s.allocatedOnDevice && s.validDevice() == null && !s.everOnDevice) {
                // its first device copy: nothing to bring (the tasks write it first); the host copy is now stale
                copy.valid = true;
                s.everOnDevice = true;
                s.hostValid = false;
                return;
            }
            if (!s.hostValid) {
                ensureOnHost(s, profile);
            }
            write(s, device, copy.buffer);
            profile.copyIn(s.bytes);
            copy.valid = true;
        }
    }

    void ensureOnHost(ObjectState s, ExecutionProfile profile) {
        synchronized (s) {
            if (s.hostValid) {
                return;
            }
            ComputeDevice from = s.validDevice();
            if (from != null) {
                read(s, from, s.copies.get(from).buffer, 0, s.bytes);
                profile.copyOut(s.bytes);
            }
            s.hostValid = true;
        }
    }

    /** After a task on {@code device} wrote {@code s}: that device's copy is the only current one. */
    static void markWritten(ObjectState s, ComputeDevice device) {
        synchronized (s) {
            if (device.usesHostMemory()) {
                s.hostAuthoritative();
                return;
            }
            s.copies.forEach((d, c) -> c.valid = d == device || c.hostInPlace);
            s.hostValid = false;
        }
    }

    /** Brings objects (or {@link DataRange}s of them) to the host for an execution's result; counted in {@code profile}. */
    void transferToHost(ExecutionProfile profile, Object... objects) {
        Set<ComputeDevice> touched = new LinkedHashSet<>();
        for (Object o : objects) {
            Object target = o instanceof DataRange r ? r.getArray() : o;
            ObjectState s = states.get(target);
            if (s == null) {
                throw new IllegalArgumentException("transferToHost: the " + new ObjectState(target).describe()
                        + " is not used by any task of this plan");
            }
            synchronized (s) {
                ComputeDevice from = s.validDevice();
                if (from != null) {
                    touched.add(from);
                }
                if (o instanceof DataRange r) {
                    long elements = s.bytes / s.elementBytes;
                    long size = r.getSize() < 0 ? elements - r.getOffset() : r.getSize();
                    if (r.getOffset() + size > elements || size < 0) {
                        throw new IllegalArgumentException(
                                "transferToHost(" + r + "): the array has " + elements + " elements");
                    }
                    if (!s.hostValid && from != null) {
                        long bytes = size * s.elementBytes;
                        read(s, from, s.copies.get(from).buffer, r.getOffset() * s.elementBytes, bytes);
                        profile.copyOut(bytes);
                    }
                } else {
                    ensureOnHost(s, profile);
                }
            }
        }
        for (ComputeDevice d : touched) {
            DeviceTimings t = d.finish();
            profile.transferTimes(t.writeNanos(), t.readNanos());
        }
    }

    private static void write(ObjectState s, ComputeDevice device, DeviceBuffer buffer) {
        HostData.write(s.object, device, buffer, s.bytes);
    }

    private static void read(ObjectState s, ComputeDevice device, DeviceBuffer buffer, long offset, long bytes) {
        HostData.read(s.object, device, buffer, offset, bytes);
    }
}
