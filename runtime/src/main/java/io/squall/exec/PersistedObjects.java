package io.squall.exec;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/** Objects that graphs left on a device with persistOnDevice, by graph name, for consumeFromDevice in other plans. */
final class PersistedObjects {
    private static final Map<String, Map<Object, ObjectState>> BY_GRAPH = new HashMap<>();

    private PersistedObjects() {}

    static synchronized void put(String graph, ObjectState state) {
        BY_GRAPH.computeIfAbsent(graph, g -> new IdentityHashMap<>()).put(state.object, state);
    }

    /** The state graph {@code graph} persisted for {@code object} (any graph when {@code graph} is null), or null. */
    static synchronized ObjectState find(String graph, Object object) {
        if (graph != null) {
            Map<Object, ObjectState> m = BY_GRAPH.get(graph);
            return m == null ? null : m.get(object);
        }
        for (Map<Object, ObjectState> m : BY_GRAPH.values()) {
            ObjectState s = m.get(object);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    static synchronized void remove(ObjectState state) {
        for (Map<Object, ObjectState> m : BY_GRAPH.values()) {
            m.remove(state.object, state);
        }
        BY_GRAPH.values().removeIf(Map::isEmpty);
    }
}
