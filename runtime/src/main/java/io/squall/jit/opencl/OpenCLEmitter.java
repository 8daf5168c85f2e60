package io.squall.jit.opencl;

import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

/** IR to OpenCL C (work in progress on this branch). */
public final class OpenCLEmitter {
    private OpenCLEmitter() {
    }

    public static String emit(Kernel kernel, DeviceCapabilities caps) {
        throw new UnsupportedOperationException("OpenCL emitter not yet committed");
    }
}
