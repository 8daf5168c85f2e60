package io.squall.backend.jvm;

import io.squall.backend.Backend;

import java.util.List;

/** The JVM backend: always present, one device ({@code jvm}) running the kernels as Java on the host's cores. */
public final class JvmBackend implements Backend {
    private final List<JvmDevice> devices = List.of(new JvmDevice());

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public List<JvmDevice> devices() {
        return devices;
    }

    @Override
    public String unavailableReason() {
        return null;
    }
}
