package io.squall.backend;

/** A task's kernel built for one device, ready to launch; shared through the kernel cache. */
public interface CompiledTask {
    /** The generated code in printable form (OpenCL C, PTX, SPIR-V disassembly). */
    String printableCode();

    /** The kernel's entry point name. */
    String entryName();
}
