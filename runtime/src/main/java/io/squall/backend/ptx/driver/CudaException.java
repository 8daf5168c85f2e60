package io.squall.backend.ptx.driver;

/** A CUDA driver call failed: the message names the call, the CUDA_ERROR_ name and the driver's description. */
public class CudaException extends RuntimeException {
    private final int errorCode;
    private final String errorName;
    private final String call;

    CudaException(int errorCode, String errorName, String description, String call, String detail) {
        super(call + " failed: " + errorName + " (" + errorCode + "): " + description
                + (detail == null ? "" : "; " + detail));
        this.errorCode = errorCode;
        this.errorName = errorName;
        this.call = call;
    }

    /** The CUresult value. */
    public int errorCode() {
        return errorCode;
    }

    /** The CUDA_ERROR_* name, from cuGetErrorName. */
    public String errorName() {
        return errorName;
    }

    /** The driver function that failed, e.g. "cuModuleLoadDataEx". */
    public String call() {
        return call;
    }
}
