package io.squall.device;

import io.squall.api.exceptions.TornadoDeviceException;

import java.util.Locale;

/**
 * A parsed device id: {@code backend:index} ({@code opencl:0}, {@code ptx:1}, {@code spirv:0}) or {@code jvm}
 * ({@code jvm:0} is accepted too). Parsing checks the syntax only; {@link Devices#get} checks that the device exists.
 */
public record DeviceId(String backend, int index) {
    public static final String JVM = "jvm";

    /** @param source where the id came from, for the error message (e.g. "-Dsquall.device"); may be null */
    public static DeviceId parse(String text, String source) {
        String where = source == null ? "" : " (from " + source + ")";
        if (text == null || text.isBlank()) {
            throw new TornadoDeviceException(
                    "empty device id" + where + ": expected backend:index such as opencl:0, or jvm");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(JVM)) {
            return new DeviceId(JVM, 0);
        }
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new TornadoDeviceException(
                    "bad device id '" + text + "'" + where + ": expected backend:index such as opencl:0, or jvm");
        }
        String backend = t.substring(0, colon);
        String number = t.substring(colon + 1);
        int index;
        try {
            index = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw new TornadoDeviceException(
                    "bad device id '" + text + "'" + where + ": '" + number + "' is not a device index");
        }
        if (index < 0) {
            throw new TornadoDeviceException("bad device id '" + text + "'" + where + ": negative device index");
        }
        if (backend.equals(JVM) && index != 0) {
            throw new TornadoDeviceException(
                    "bad device id '" + text + "'" + where + ": the JVM backend has one device, jvm");
        }
        return new DeviceId(backend, index);
    }

    @Override
    public String toString() {
        return backend.equals(JVM) ? JVM : backend + ":" + index;
    }
}
