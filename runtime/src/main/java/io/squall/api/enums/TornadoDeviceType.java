package io.squall.api.enums;

/** The kind of a device. {@link #JAVA} is the JVM backend (the host's cores running the Java code). */
public enum TornadoDeviceType {
    CPU,
    GPU,
    ACCELERATOR,
    FPGA,
    JAVA,
    DEFAULT,
    CUSTOM
}
