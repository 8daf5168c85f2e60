package io.squall.backend.opencl.driver;

/** clBuildProgram failed; carries the device's build log (compiler messages with line numbers). */
public final class CLBuildException extends CLException {
    private final String buildLog;
    private final String deviceName;

    public CLBuildException(int errorCode, String deviceName, String buildLog) {
        super(
                errorCode,
                "clBuildProgram",
                "program build failed on device '" + deviceName + "'. Build log:\n" + buildLog);
        this.buildLog = buildLog;
        this.deviceName = deviceName;
    }

    public String buildLog() {
        return buildLog;
    }

    public String deviceName() {
        return deviceName;
    }
}
