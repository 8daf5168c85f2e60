/**
 * Writing a compiled kernel as one backend's code without a device of that kind ({@code squall.emit}): OpenCL C
 * built in, PTX and SPIR-V plugged in through {@link java.util.ServiceLoader}.
 */
package io.squall.exec.emit;
