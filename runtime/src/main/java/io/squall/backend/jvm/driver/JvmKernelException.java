package io.squall.backend.jvm.driver;

/** A kernel failed while running on the JVM backend; the message names the kernel and, for KernelContext kernels, the work-item. */
public final class JvmKernelException extends RuntimeException {
    public JvmKernelException(String message, Throwable cause) {
        super(message, cause);
    }

    public JvmKernelException(String message) {
        super(message);
    }
}
