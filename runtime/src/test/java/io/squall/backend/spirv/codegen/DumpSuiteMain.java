package io.squall.backend.spirv.codegen;

import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;

import java.nio.file.Files;
import java.nio.file.Path;

/** Writes every suite kernel's SPIR-V to a directory (args[0]), for inspecting with spirv-dis / llvm-spirv by hand. */
public final class DumpSuiteMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (SuiteCase c : KernelSuite.all()) {
            Files.write(
                    dir.resolve(c.name() + ".spv"),
                    SpirvEmitter.emit(SuiteKernels.compile(c, false), SuiteKernels.FULL)
                            .bytes());
        }
    }
}
