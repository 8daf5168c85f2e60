package io.squall.api.enums;

/** The kind of backend a device belongs to, with TornadoVM's constants; Squall's {@code jvm} backend is {@link #JAVA}. */
public enum TornadoVMBackendType {
    OPENCL("OpenCL"),
    METAL("Metal"),
    PTX("PTX"),
    CUDA("CUDA"),
    SPIRV("SPIRV"),
    JAVA("Java"),
    VIRTUAL("Virtual");

    private final String backendName;

    TornadoVMBackendType(String backendName) {
        this.backendName = backendName;
    }

    public String getName() {
        return backendName;
    }

    /** The type of Squall's backend named {@code opencl}, {@code ptx}, {@code spirv} or {@code jvm}. */
    public static TornadoVMBackendType ofBackendName(String squallBackend) {
        return switch (squallBackend) {
            case "opencl" -> OPENCL;
            case "ptx" -> PTX;
            case "spirv" -> SPIRV;
            case "jvm" -> JAVA;
            default ->
                throw new IllegalArgumentException(
                        "no TornadoVM backend type for Squall backend '" + squallBackend + "'");
        };
    }
}
