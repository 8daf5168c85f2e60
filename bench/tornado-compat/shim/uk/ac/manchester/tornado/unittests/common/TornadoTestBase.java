package uk.ac.manchester.tornado.unittests.common;

import io.squall.api.enums.TornadoVMBackendType;
import io.squall.api.runtime.TornadoRuntime;
import io.squall.api.runtime.TornadoRuntimeProvider;

/**
 * Shim of TornadoVM's JUnit 4 test base, written against Squall's API. The device under test is Squall's default
 * device ({@code -Dsquall.device=opencl:0}, {@code jvm}, {@code spirv:0}); the harness runs one JVM per device.
 */
public abstract class TornadoTestBase {
    /** TornadoVM's base runs device set-up here; subclasses override it (and may call super). */
    @org.junit.Before
    public void before() {
    }

    public static final float DELTA = 0.001f;
    public static final float DELTA_05 = 0.5f;

    public static TornadoRuntime getTornadoRuntime() {
        return TornadoRuntimeProvider.getTornadoRuntime();
    }

    public void assertNotBackend(TornadoVMBackendType backend) {
        assertNotBackend(backend, null);
    }

    public void assertNotBackend(TornadoVMBackendType backend, String message) {
        if (getTornadoRuntime().getDefaultDevice().getTornadoVMBackend() != backend) {
            return;
        }
        String why = message != null ? message : "Test not supported for the " + backend + " backend";
        switch (backend) {
            case PTX -> throw new TornadoVMPTXNotSupported(why);
            case OPENCL -> throw new TornadoVMOpenCLNotSupported(why);
            case SPIRV -> throw new TornadoVMSPIRVNotSupported(why);
            case METAL -> throw new TornadoVMMetalNotSupported(why);
            case CUDA -> throw new TornadoVMCUDANotSupported(why);
            default -> throw new IllegalStateException("Unexpected value for backend: " + backend);
        }
    }

    /** Squall has no separately optimised SPIR-V mode, so nothing is excluded. */
    public void assertNotBackendOptimization(TornadoVMBackendType backend) {
    }

}
