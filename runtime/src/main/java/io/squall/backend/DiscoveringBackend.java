package io.squall.backend;

import java.util.List;

/**
 * A backend that discovers its devices once, on first use. A discovery that throws (a broken driver) leaves no
 * devices and the message as the reason, so {@link Backend}'s "discovery must not throw" holds for every subclass.
 */
public abstract class DiscoveringBackend<D extends ComputeDevice> implements Backend {
    /** What discovery found: the devices, and why there are none (null when there are some). */
    protected record Discovery<D>(List<D> devices, String unavailableReason) {
        public Discovery {
            devices = List.copyOf(devices);
        }
    }

    private Discovery<D> discovery;

    /** Finds the devices; may throw, see the class comment. */
    protected abstract Discovery<D> discover();

    /** The driver named in a failed discovery's reason, e.g. {@code OpenCL}. */
    protected abstract String driverName();

    @Override
    public final synchronized List<D> devices() {
        return discovery().devices();
    }

    @Override
    public final synchronized String unavailableReason() {
        return discovery().unavailableReason();
    }

    private Discovery<D> discovery() {
        if (discovery == null) {
            try {
                discovery = discover();
            } catch (RuntimeException | LinkageError e) {
                discovery = new Discovery<>(List.of(), driverName() + " discovery failed: " + e.getMessage());
            }
        }
        return discovery;
    }
}
