package io.squall.api;

import io.squall.plan.ExecutionProfile;

/** What {@link TornadoExecutionPlan#execute()} returns: the profile, and on-demand copies back to the host. */
public final class TornadoExecutionResult {
    private final TornadoExecutionPlan plan;
    private final ExecutionProfile profile;

    TornadoExecutionResult(TornadoExecutionPlan plan, ExecutionProfile profile) {
        this.plan = plan;
        this.profile = profile;
    }

    public TornadoProfilerResult getProfilerResult() {
        return new TornadoProfilerResult(profile);
    }

    /**
     * Copies objects (typically those declared {@code UNDER_DEMAND}) to the host now, if the device holds newer
     * contents. A {@link DataRange} argument copies only its elements.
     */
    public TornadoExecutionResult transferToHost(Object... objects) {
        plan.transferToHost(profile, objects);
        return this;
    }

    /** Copies only the elements of {@code range} (TornadoVM's name). */
    public TornadoExecutionResult partialTransferToHost(DataRange range) {
        return transferToHost(range);
    }

    public boolean isReady() {
        return true;
    }
}
