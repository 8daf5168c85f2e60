package io.squall.exec;

import io.squall.api.GridScheduler;
import io.squall.api.PlanExecution;
import io.squall.api.RuntimeService;
import io.squall.api.TornadoBackend;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.backend.Backend;
import io.squall.device.Devices;
import io.squall.device.SquallBackend;
import io.squall.device.SquallDevice;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.GraphSpec;

import java.util.List;

/**
 * The runtime behind the API ({@link RuntimeService}, registered in {@code META-INF/services}): devices from
 * {@link Devices}, plans run by {@link PlanExecutor}.
 */
public final class SquallRuntimeService implements RuntimeService {

    @Override
    public List<TornadoBackend> backends() {
        List<Backend> backends = Devices.backends();
        return java.util.stream.IntStream.range(0, backends.size())
                .mapToObj(i -> (TornadoBackend) new SquallBackend(backends.get(i), i))
                .toList();
    }

    @Override
    public TornadoBackend backend(int index) {
        List<Backend> backends = Devices.backends();
        if (index < 0 || index >= backends.size()) {
            throw new TornadoDeviceException(
                    "no backend " + index + ": there are " + backends.size() + " (" + Devices.available() + ")");
        }
        return new SquallBackend(backends.get(index), index);
    }

    @Override
    public TornadoBackend backend(String name) {
        List<Backend> backends = Devices.backends();
        for (int i = 0; i < backends.size(); i++) {
            if (backends.get(i).name().equals(name)) {
                return new SquallBackend(backends.get(i), i);
            }
        }
        throw new TornadoDeviceException("no backend named '" + name + "'");
    }

    @Override
    public TornadoDevice device(String id) {
        return SquallDevice.of(Devices.get(id));
    }

    @Override
    public TornadoDevice defaultDevice() {
        return SquallDevice.of(Devices.defaultDevice());
    }

    @Override
    public List<TornadoDevice> allDevices() {
        return Devices.all().stream()
                .map(d -> (TornadoDevice) SquallDevice.of(d))
                .toList();
    }

    @Override
    public PlanExecution newExecution(List<GraphSpec> graphs) {
        return new Execution(new PlanExecutor(graphs));
    }

    /** A plan's executor as the API drives it; devices arrive as the API's views and are looked up by id. */
    private record Execution(PlanExecutor executor) implements PlanExecution {
        @Override
        public ExecutionProfile execute() {
            return executor.execute();
        }

        @Override
        public void transferToHost(ExecutionProfile profile, Object... objects) {
            executor.transferToHost(profile, objects);
        }

        @Override
        public void device(TornadoDevice device) {
            executor.device(Devices.get(device.getId()));
        }

        @Override
        public void device(String graphDotTask, TornadoDevice device) {
            executor.device(graphDotTask, Devices.get(device.getId()));
        }

        @Override
        public void gridScheduler(GridScheduler grids) {
            executor.gridScheduler(grids);
        }

        @Override
        public void defaultScheduler() {
            executor.defaultScheduler();
        }

        @Override
        public void profiler(ProfilerMode mode) {
            executor.profiler(mode);
        }

        @Override
        public void warmUpIterations(int n) {
            executor.warmUpIterations(n);
        }

        @Override
        public void precompile() {
            executor.precompile();
        }

        @Override
        public void precompile(int index) {
            executor.precompile(index);
        }

        @Override
        public void printKernel(boolean on) {
            executor.printKernel(on);
        }

        @Override
        public void threadInfo(boolean on) {
            executor.threadInfo(on);
        }

        @Override
        public void checked(boolean on) {
            executor.checked(on);
        }

        @Override
        public void accessGuards(boolean on) {
            executor.accessGuards(on);
        }

        @Override
        public void memoryLimit(String limit) {
            executor.memoryLimit(limit);
        }

        @Override
        public void fastMath(boolean on) {
            executor.fastMath(on);
        }

        @Override
        public void specializeScalars(boolean on) {
            executor.specializeScalars(on);
        }

        @Override
        public void graph(int index) {
            executor.graph(index);
        }

        @Override
        public void allGraphs() {
            executor.allGraphs();
        }

        @Override
        public long usage() {
            return executor.usage();
        }

        @Override
        public void freeDeviceMemory() {
            executor.freeDeviceMemory();
        }

        @Override
        public void close() {
            executor.close();
        }
    }
}
