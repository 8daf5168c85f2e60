package io.squall.api;

import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.ProfilerMode;
import io.squall.plan.ExecutionProfile;

/**
 * What a {@link TornadoExecutionPlan} drives: the runtime's executor of its graphs ({@link RuntimeService#newExecution}).
 * Each method is the plan method of the same name (see there for the semantics); null turns an option off.
 */
public interface PlanExecution extends AutoCloseable {
    ExecutionProfile execute();

    /** Copies {@code objects} (arrays, or {@link DataRange}s of them) to the host now, recording the copies in {@code profile}. */
    void transferToHost(ExecutionProfile profile, Object... objects);

    void device(TornadoDevice device);

    void device(String graphDotTask, TornadoDevice device);

    void gridScheduler(GridScheduler grids);

    void defaultScheduler();

    void profiler(ProfilerMode mode);

    void warmUpIterations(int n);

    void precompile();

    /** Compiles the tasks of graph {@code index} only, leaving the selection as it is. */
    void precompile(int index);

    void printKernel(boolean on);

    void threadInfo(boolean on);

    void checked(boolean on);

    void accessGuards(boolean on);

    void memoryLimit(String limit);

    void fastMath(boolean on);

    void specializeScalars(boolean on);

    void graph(int index);

    void allGraphs();

    /** Device memory held now, in bytes. */
    long usage();

    void freeDeviceMemory();

    @Override
    void close();
}
