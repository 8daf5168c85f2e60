package io.squall.backend.ptx.codegen;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.jit.compiler.JitCompiler;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every suite kernel, emitted as PTX (precise and fast math, with and without specialization), assembles with ptxas for sm_80 and sm_90. */
class PtxSuiteAssemblyTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    static Kernel compile(SuiteCase c, boolean specialize, boolean fastMath) {
        return compile(c, specialize, fastMath, CompileOptions.AccessChecks.NONE);
    }

    static Kernel compile(SuiteCase c, boolean specialize, boolean fastMath, CompileOptions.AccessChecks checks) {
        ResolvedTask t = TaskResolver.resolve(c.task());
        List<ArgSpec> specs = new ArrayList<>();
        for (Object a : c.inputs().get()) {
            boolean scalar = a instanceof Number || a instanceof Boolean || a instanceof Character;
            specs.add(new ArgSpec(a.getClass(), specialize && scalar ? a : null));
        }
        return JitCompiler.compile(t.method(), specs, new CompileOptions(fastMath, specialize, checks));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void assemblesForAmpereAndHopper(SuiteCase c) throws Exception {
        Assumptions.assumeTrue(
                Ptxas.available(), "ptxas not found on PATH or in /usr/local/cuda*/bin: PTX not assembled");
        boolean[][] variants = {{false, false}, {true, false}, {false, true}};
        for (boolean[] v : variants) {
            Kernel k = compile(c, v[0], v[1]);
            for (String arch : new String[] {"sm_80", "sm_90"}) {
                String ptx = PtxEmitter.emit(k, PtxTarget.parse(arch));
                assertTrue(ptx.contains(".target " + arch) && ptx.contains(".entry " + k.entryName() + "("), ptx);
                String error = Ptxas.assemble(ptx, arch);
                assertNull(
                        error,
                        () -> c.name() + " (specialize=" + v[0] + ", fastMath=" + v[1] + "): " + error + "\n"
                                + Ptxas.numbered(ptx));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void assemblesWithGuardedAndReportedAccesses(SuiteCase c) throws Exception {
        Assumptions.assumeTrue(
                Ptxas.available(), "ptxas not found on PATH or in /usr/local/cuda*/bin: PTX not assembled");
        for (CompileOptions.AccessChecks checks :
                new CompileOptions.AccessChecks[] {CompileOptions.AccessChecks.GUARD, CompileOptions.AccessChecks.REPORT
                }) {
            Kernel k = compile(c, false, false, checks);
            String ptx = PtxEmitter.emit(k, PtxTarget.parse("sm_80"));
            String error = Ptxas.assemble(ptx, "sm_80");
            assertNull(error, () -> c.name() + " (" + checks + "): " + error + "\n" + Ptxas.numbered(ptx));
        }
    }
}
