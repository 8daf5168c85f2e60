package io.squall.api;

import io.squall.api.common.TornadoDevice;
import io.squall.plan.GraphSpec;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The runtime behind the API: its devices and the executors of plans. The API's classes reach the implementation
 * ({@code io.squall.exec}, {@code io.squall.device}) only through this interface, found with {@link ServiceLoader}
 * ({@code META-INF/services/io.squall.api.RuntimeService}), so that the kernel-side types here ({@link KernelContext},
 * {@link GridScheduler}, ...) can be used by the JIT and the backends without a package cycle. Applications do not
 * call it: {@link TornadoExecutionPlan} and {@code api.runtime.TornadoRuntime} do.
 */
public interface RuntimeService {

    /** The runtime found on the class path (the first one listed); an error naming the missing service when there is none. */
    static RuntimeService get() {
        return LoadedRuntime.INSTANCE;
    }

    /** Backends in listing order: OpenCL first, the JVM last. */
    List<TornadoBackend> backends();

    /** Backend {@code index}; a TornadoDeviceException listing the backends when there is none. */
    TornadoBackend backend(int index);

    /** The backend called {@code name}; a TornadoDeviceException when there is none. */
    TornadoBackend backend(String name);

    /** The device with Squall id {@code opencl:N}, {@code jvm}, ...; a TornadoDeviceException listing the devices when there is none. */
    TornadoDevice device(String id);

    TornadoDevice defaultDevice();

    List<TornadoDevice> allDevices();

    /** An executor for {@code graphs}, run in order; it holds device memory until closed. */
    PlanExecution newExecution(List<GraphSpec> graphs);
}
