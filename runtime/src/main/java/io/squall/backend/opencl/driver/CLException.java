package io.squall.backend.opencl.driver;

/** An OpenCL call returned an error: the message names the call and the CL_* error. */
public class CLException extends RuntimeException {
    private final int errorCode;
    private final String call;

    public CLException(int errorCode, String call) {
        this(errorCode, call, null);
    }

    public CLException(int errorCode, String call, String detail) {
        super(call + " failed: " + CL.errorName(errorCode) + " (" + errorCode + ")"
                + (detail == null ? "" : ": " + detail));
        this.errorCode = errorCode;
        this.call = call;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The CL function that failed, e.g. "clBuildProgram". */
    public String call() {
        return call;
    }

    /** The CL_* name of the error code. */
    public String errorName() {
        return CL.errorName(errorCode);
    }
}
