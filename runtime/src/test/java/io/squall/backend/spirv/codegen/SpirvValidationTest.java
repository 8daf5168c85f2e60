package io.squall.backend.spirv.codegen;

import io.squall.jit.Kernel;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every suite kernel, emitted as SPIR-V, passes spirv-val for the OpenCL 2.2 environment. */
class SpirvValidationTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validates(SuiteCase c) {
        Assumptions.assumeTrue(
                SpirvTools.spirvVal() != null, "spirv-val is not installed (Debian package spirv-tools)");
        for (boolean specialize : new boolean[] {false, true}) {
            Kernel k = SuiteKernels.compile(c, specialize);
            validate(c, k, "specialize=" + specialize);
        }
        for (io.squall.jit.CompileOptions.AccessChecks checks : new io.squall.jit.CompileOptions.AccessChecks[] {
            io.squall.jit.CompileOptions.AccessChecks.GUARD, io.squall.jit.CompileOptions.AccessChecks.REPORT
        }) {
            validate(c, SuiteKernels.compile(c, false, checks), checks.toString());
        }
    }

    private static void validate(SuiteCase c, Kernel k, String variant) {
        SpirvBinary module = SpirvEmitter.emit(k, SuiteKernels.FULL);
        SpirvTools.Result r = SpirvTools.validate(module, SpirvTools.validationEnvironment(module));
        assertTrue(
                r.ok(),
                () -> c.name() + " (" + variant + "): spirv-val " + SpirvTools.validationEnvironment(module)
                        + " failed:\n" + r.output() + "\n" + SpirvTools.disassemble(module));
    }
}
