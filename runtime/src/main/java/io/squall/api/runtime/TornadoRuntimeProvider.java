package io.squall.api.runtime;

/** Entry point to device discovery, as in TornadoVM: {@code TornadoRuntimeProvider.getTornadoRuntime().getBackend(0).getDevice(0)}. */
public final class TornadoRuntimeProvider {
    private TornadoRuntimeProvider() {
    }

    public static TornadoRuntime getTornadoRuntime() {
        return TornadoRuntime.INSTANCE;
    }
}
