package io.squall.device;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.plan.RuntimeOptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.StringJoiner;

/**
 * Device discovery across backends: OpenCL and the JVM built in, others (PTX, SPIR-V) plugged in through
 * {@link ServiceLoader} of {@link Backend}. Discovery runs once, on first use, and never throws.
 */
public final class Devices {
    private static volatile List<Backend> backends;
    private static volatile boolean jvmNoticeGiven;

    private Devices() {}

    /** The backends, in listing order (OpenCL first, the JVM last). */
    public static List<Backend> backends() {
        List<Backend> b = backends;
        if (b == null) {
            synchronized (Devices.class) {
                if (backends == null) {
                    List<Backend> found = new ArrayList<>();
                    // Every backend, the built-in ones included, is a service: the runtime's own jar lists them
                    // (found through this class's loader), an application may add more (through the context loader).
                    for (ClassLoader loader : serviceLoaders()) {
                        for (Backend each : ServiceLoader.load(Backend.class, loader)) {
                            if (found.stream().noneMatch(x -> x.name().equals(each.name()))) {
                                found.add(each);
                            }
                        }
                    }
                    if (found.stream().noneMatch(x -> x.name().equals(DeviceId.JVM))) {
                        throw new IllegalStateException("no '" + DeviceId.JVM
                                + "' backend registered: the runtime jar's " + "META-INF/services/"
                                + Backend.class.getName() + " is missing from the class path");
                    }
                    found.sort(Comparator.comparingInt(Backend::order));
                    backends = List.copyOf(found);
                }
                b = backends;
            }
        }
        return b;
    }

    /**
     * Adds a backend at run time (one not listed for {@link ServiceLoader}, e.g. a simulator in tests);
     * a backend with the same name is replaced.
     */
    private static List<ClassLoader> serviceLoaders() {
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Devices.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != loaders.getFirst()) {
            loaders.add(context);
        }
        return loaders;
    }

    public static synchronized void register(Backend backend) {
        List<Backend> found = new ArrayList<>(backends());
        found.removeIf(b -> b.name().equals(backend.name()));
        found.add(backend);
        found.sort(Comparator.comparingInt(Backend::order));
        backends = List.copyOf(found);
    }

    /** Removes a backend added with {@link #register}. */
    public static synchronized void unregister(Backend backend) {
        List<Backend> found = new ArrayList<>(backends());
        found.remove(backend);
        backends = List.copyOf(found);
    }

    /** The backend named {@code name}, or null. */
    public static Backend backend(String name) {
        for (Backend b : backends()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Every device of every backend. */
    public static List<ComputeDevice> all() {
        List<ComputeDevice> all = new ArrayList<>();
        for (Backend b : backends()) {
            all.addAll(b.devices());
        }
        return all;
    }

    public static ComputeDevice jvm() {
        return backend(DeviceId.JVM).devices().getFirst();
    }

    /** The device with this id; a clear error when the id is malformed or names no device here. */
    public static ComputeDevice get(String id) {
        return get(id, null);
    }

    /** @param source where the id came from (e.g. "-Dsquall.device"), named in errors; may be null */
    public static ComputeDevice get(String id, String source) {
        DeviceId parsed = DeviceId.parse(id, source);
        String where = source == null ? "" : " (from " + source + ")";
        Backend backend = backend(parsed.backend());
        if (backend == null) {
            StringJoiner names = new StringJoiner(", ");
            backends().forEach(b -> names.add(b.name()));
            throw new TornadoDeviceException("unknown device '" + id + "'" + where + ": no backend '" + parsed.backend()
                    + "'; backends are " + names + ". Available devices: " + available());
        }
        List<? extends ComputeDevice> devices = backend.devices();
        if (parsed.index() >= devices.size()) {
            String why = devices.isEmpty() && backend.unavailableReason() != null
                    ? " (" + backend.unavailableReason() + ")"
                    : "";
            throw new TornadoDeviceException("unknown device '" + id + "'" + where + ": backend " + backend.name()
                    + " has " + devices.size() + " device(s)" + why + ". Available devices: " + available());
        }
        return devices.get(parsed.index());
    }

    /** "opencl:0 (name), jvm (name)". */
    public static String available() {
        StringJoiner j = new StringJoiner(", ");
        for (ComputeDevice d : all()) {
            j.add(d.id() + " (" + d.properties().name() + ")");
        }
        return j.toString();
    }

    /**
     * The default device: {@code -Dsquall.device} if set; else the first OpenCL GPU, else the first OpenCL device
     * of any type, else the JVM (saying once on stderr why no OpenCL device is used).
     */
    public static ComputeDevice defaultDevice() {
        String named = RuntimeOptions.defaultDevice();
        if (named != null) {
            return get(named, "-D" + RuntimeOptions.DEVICE);
        }
        return firstOpenCLOrJvm();
    }

    private static ComputeDevice firstOpenCLOrJvm() {
        Backend opencl = backend("opencl");
        List<? extends ComputeDevice> cl = opencl.devices();
        for (ComputeDevice d : cl) {
            if (d.type() == TornadoDeviceType.GPU) {
                return d;
            }
        }
        if (!cl.isEmpty()) {
            return cl.getFirst();
        }
        if (!jvmNoticeGiven) {
            jvmNoticeGiven = true;
            System.err.println("squall: no OpenCL device (" + opencl.unavailableReason() + "); kernels run on the JVM");
        }
        return jvm();
    }
}
