package io.squall.backend;

import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;

/**
 * Writes a compiled kernel as one backend's code without needing a device of that kind ({@code squall.emit}).
 * Each backend that generates code registers one, as it registers its {@link Backend}: listed in
 * {@code META-INF/services/io.squall.backend.CodeEmitter} and loaded with {@link java.util.ServiceLoader}
 * ({@code opencl}, {@code ptx}, {@code spirv}).
 */
public interface CodeEmitter {
    /** The name used in {@code squall.emit=<name>}. */
    String name();

    /** File extension without the dot: {@code cl}, {@code ptx}, {@code spv}. */
    String fileExtension();

    /**
     * The code for {@code kernel}.
     * @param target backend-specific target from {@code squall.emit.target} (e.g. {@code sm_90}), or null for the default
     */
    byte[] emit(Kernel kernel, CompileOptions options, String target);
}
