package io.squall.backend.ptx.driver;

/** Loading a PTX module failed; carries the driver's PTX JIT error log (ptxas messages with line numbers). */
public final class CudaJitException extends CudaException {
    private final String jitLog;

    CudaJitException(CudaException cause, String jitLog) {
        super(cause.errorCode(), cause.errorName(), "PTX JIT compilation failed", cause.call(), "JIT log:\n" + jitLog);
        this.jitLog = jitLog;
    }

    public String jitLog() {
        return jitLog;
    }
}
