package io.squall.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The registry of {@link CodeEmitter}s by name. */
public final class CodeEmitters {
    private static volatile Map<String, CodeEmitter> emitters;

    private CodeEmitters() {}

    /** Every emitter, by name. */
    public static Map<String, CodeEmitter> all() {
        Map<String, CodeEmitter> e = emitters;
        if (e == null) {
            Map<String, CodeEmitter> found = new LinkedHashMap<>();
            // Every emitter is a service, as every backend is (see Devices.backends()).
            for (CodeEmitter each : ServiceLoader.load(CodeEmitter.class, CodeEmitters.class.getClassLoader())) {
                found.putIfAbsent(each.name(), each);
            }
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null && context != CodeEmitters.class.getClassLoader()) {
                for (CodeEmitter extra : ServiceLoader.load(CodeEmitter.class, context)) {
                    found.putIfAbsent(extra.name(), extra);
                }
            }
            emitters = e = Map.copyOf(found);
        }
        return e;
    }

    /** The emitter called {@code name}; an error listing the known ones when there is none. */
    public static CodeEmitter get(String name) {
        CodeEmitter e = all().get(name);
        if (e == null) {
            throw new IllegalArgumentException(
                    "unknown code emitter '" + name + "' (-Dsquall.emit / tornado --emit): known emitters are "
                            + String.join(", ", new java.util.TreeSet<>(all().keySet())));
        }
        return e;
    }
}
