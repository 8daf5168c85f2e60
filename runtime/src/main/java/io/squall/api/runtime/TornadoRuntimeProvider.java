package io.squall.api.runtime;

/** Entry point to device discovery, as in TornadoVM: {@code TornadoRuntimeProvider.getTornadoRuntime().getBackend(0).getDevice(0)}. */
public final class TornadoRuntimeProvider {
    private TornadoRuntimeProvider() {}

    public static TornadoRuntime getTornadoRuntime() {
        return TornadoRuntime.INSTANCE;
    }

    /**
     * Sets a runtime option, as TornadoVM's {@code setProperty}: Squall reads its options ({@code squall.*}, and
     * {@code <graph>.<task>.device}) from system properties, so this is {@link System#setProperty}; TornadoVM-only
     * tuning keys (unrolling, ...) have no effect.
     */
    public static void setProperty(String key, String value) {
        System.setProperty(key, value);
    }
}
