package io.squall.exec;

import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.jit.Kernel;

/**
 * A task ready to launch on {@code device}: the JIT's kernel (null when nothing needed one), the device's build of it
 * (null on devices that run Java), and whether it fell back to the JVM.
 */
record PreparedTask(ComputeDevice device, Kernel kernel, CompiledTask compiled, boolean fellBack) {}
