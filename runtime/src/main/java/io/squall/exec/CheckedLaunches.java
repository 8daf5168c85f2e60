package io.squall.exec;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.jit.CheckSite;
import io.squall.jit.Kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The error buffers of checked kernels (one per device, {@link CheckSite#ERROR_WORDS} ints, cleared before each
 * launch) and the report of what a launch recorded in one.
 */
final class CheckedLaunches {
    private final Map<ComputeDevice, DeviceBuffer> errorBuffers = new IdentityHashMap<>();

    /** The device's error buffer, cleared for a launch. */
    DeviceBuffer clearedBuffer(ComputeDevice device) {
        DeviceBuffer errors = errorBuffers.computeIfAbsent(device, d -> d.allocate(CheckSite.ERROR_WORDS * 4L));
        try (Arena arena = Arena.ofConfined()) {
            device.write(errors, 0, arena.allocate(CheckSite.ERROR_WORDS * 4L, 8), CheckSite.ERROR_WORDS * 4L, true);
        }
        return errors;
    }

    /** Reads a checked kernel's error buffer (after the launch: the read waits for it) and throws on a recorded failure. */
    static void throwIfFailed(String task, Kernel kernel, ComputeDevice device, DeviceBuffer errors) {
        int[] words = new int[CheckSite.ERROR_WORDS];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(words.length * 4L, 8);
            device.read(errors, 0, host, words.length * 4L);
            MemorySegment.copy(host, ValueLayout.JAVA_INT, 0, words, 0, words.length);
        }
        int failures = words[0];
        if (failures == 0) {
            return;
        }
        int site = words[1];
        String what = site >= 0 && site < kernel.checkSites().size()
                ? kernel.checkSites().get(site).describe(words[2], words[3])
                : "check " + site + " (not a site of this kernel: the error buffer is corrupt)";
        throw new TornadoRuntimeException("task " + task + " (kernel " + kernel.javaName() + ") on " + device.id()
                + ": " + what
                + (failures > 1
                        ? " (and " + (failures == Integer.MIN_VALUE ? "2^31" : Integer.toUnsignedString(failures - 1))
                                + " more failed checks in this launch)"
                        : "")
                + "; failed accesses were skipped (loads gave 0) and divisions by zero gave 0");
    }

    void closeAll() {
        errorBuffers.values().forEach(DeviceBuffer::close);
        errorBuffers.clear();
    }
}
