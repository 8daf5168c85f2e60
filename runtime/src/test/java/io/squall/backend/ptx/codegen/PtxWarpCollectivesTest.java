package io.squall.backend.ptx.codegen;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.compiler.JitCompiler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tensor-core (mma*) and SIMD-group (simd*) kernels of the JVM backend's WarpCollectivesTest, lowered by the PTX
 * code generator: the instructions they must become, ptxas accepting them for sm_80 and sm_90 (registers and spills
 * printed with -v), the fragments kept in registers, and the clear errors where a target cannot run them. Whether the
 * results are right is checked on a GPU by the device check (scripts/bench-gpu), against the JVM backend.
 */
class PtxWarpCollectivesTest {
    private static final Pattern USAGE = Pattern.compile("Used (\\d+) registers.*");
    private static final Pattern SPILLS = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

    /** The JVM backend's warp-collective test (package-private there), whose kernels are compiled here. */
    private static final String KERNELS = "io.squall.backend.jvm.driver.WarpCollectivesTest";

    static Kernel compile(String name) {
        return compile(name, CompileOptions.defaults());
    }

    static Kernel compile(String name, CompileOptions options) {
        Method kernel = null;
        Class<?> kernels;
        try {
            kernels = Class.forName(KERNELS);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        for (Method m : kernels.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                kernel = m;
            }
        }
        assertTrue(kernel != null, "no kernel " + name);
        List<ArgSpec> specs = new ArrayList<>();
        for (Class<?> t : kernel.getParameterTypes()) {
            specs.add(ArgSpec.of(t));
        }
        return JitCompiler.compile(kernel, specs, options);
    }

    /** Assembles for {@code arch} with -v; fails with the numbered PTX; prints and returns ptxas's report. */
    static String assemble(String name, Kernel k, String arch) throws Exception {
        String ptx = PtxEmitter.emit(k, PtxTarget.parse(arch));
        Ptxas.Result r = Ptxas.assembleVerbose(ptx, arch);
        assertTrue(r.ok(), () -> name + " for " + arch + ": " + r.output() + "\n" + Ptxas.numbered(ptx));
        Matcher used = USAGE.matcher(r.output());
        Matcher spills = SPILLS.matcher(r.output());
        System.out.println("ptxas -arch=" + arch + " " + name + ": " + (used.find() ? used.group() : "?") + "; "
                + (spills.find() ? spills.group() : "?"));
        return ptx;
    }

    static void requirePtxas() {
        Assumptions.assumeTrue(
                Ptxas.available(), "ptxas not found on PATH or in /usr/local/cuda*/bin: PTX not assembled");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemmHalf", "gemmBf16", "gemmSwizzled", "gemmInt8", "fragmentA", "fp16Mma"})
    void tensorCoreKernelsAssembleForAmpereAndHopper(String name) throws Exception {
        requirePtxas();
        Kernel k = compile(name);
        for (String arch : new String[] {"sm_80", "sm_90"}) {
            String ptx = assemble(name, k, arch);
            if (!name.equals("fragmentA")) {
                assertTrue(ptx.contains("mma.sync.aligned.m16n8k"), ptx);
                // the fragments live in registers: no per-thread local memory at all
                assertFalse(ptx.contains(".local"), () -> name + " keeps a fragment in local memory:\n" + ptx);
            }
        }
    }

    /** Checked mode (-Dsquall.checked: REPORT) and guarded accesses keep the fragments in registers and assemble. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemmHalf", "gemmInt8", "simd"})
    void checkedAccessesAssembleToo(String name) throws Exception {
        requirePtxas();
        for (CompileOptions.AccessChecks checks :
                new CompileOptions.AccessChecks[] {CompileOptions.AccessChecks.GUARD, CompileOptions.AccessChecks.REPORT
                }) {
            Kernel k = compile(name, CompileOptions.defaults().withAccessChecks(checks));
            String ptx = assemble(name + " " + checks, k, "sm_80");
            assertFalse(ptx.contains(".local"), () -> name + " " + checks + ":\n" + ptx);
        }
    }

    @Test
    void eachPrecisionBecomesItsOwnMmaInstruction() {
        assertTrue(PtxEmitter.emit(compile("gemmHalf"), PtxTarget.DEFAULT)
                .contains("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"));
        assertTrue(PtxEmitter.emit(compile("gemmBf16"), PtxTarget.DEFAULT)
                .contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"));
        assertTrue(PtxEmitter.emit(compile("gemmInt8"), PtxTarget.DEFAULT)
                .contains("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32"));
        String fp8 = PtxEmitter.emit(compile("gemmFp8"), PtxTarget.parse("sm_89"));
        assertTrue(fp8.contains("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32"), fp8);
        assertTrue(fp8.contains("mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32"), fp8);
        assertTrue(fp8.contains(".version 8.4"), fp8);
    }

    @Test
    void fp8NeedsAdaOrNewer() throws Exception {
        Kernel k = compile("gemmFp8");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PtxEmitter.emit(k, PtxTarget.parse("sm_86")));
        assertTrue(e.getMessage().contains("KernelContext.mmaFP8E"), e.getMessage());
        assertTrue(e.getMessage().contains("compute capability 8.9"), e.getMessage());
        assertTrue(e.getMessage().contains("this device is sm_86"), e.getMessage());
        assertTrue(e.getMessage().contains("WarpCollectivesTest.java:"), e.getMessage());
        requirePtxas();
        assemble("gemmFp8", k, "sm_89");
        assemble("gemmFp8", k, "sm_90");
    }

    @Test
    void mmaNeedsAmpereOrNewer() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PtxEmitter.emit(compile("gemmHalf"), PtxTarget.parse("sm_75")));
        assertTrue(
                e.getMessage().contains("KernelContext.mma (") && e.getMessage().contains("compute capability 8.0"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simd", "unevenWarps", "leavesEarly"})
    void simdKernelsBecomeWarpShuffles(String name) throws Exception {
        Kernel k = compile(name);
        String ptx = PtxEmitter.emit(k, PtxTarget.DEFAULT);
        // over the lanes that exist (from the block's shape): simdSum a shuffle-down tree, then lane 0's total
        assertTrue(ptx.contains("min.u32") && ptx.contains("%ntid.z"), ptx);
        assertTrue(ptx.contains("shfl.sync.down.b32"), ptx);
        assertTrue(ptx.contains("shfl.sync.idx.b32"), ptx);
        requirePtxas();
        assemble(name, k, "sm_80");
        assemble(name, k, "sm_90");
    }

    @Test
    void aBarrierThatHalfTheWarpSkipsIsStillRejected() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class, () -> compile("mismatched"));
        assertTrue(
                e.getMessage().contains("a barrier under a branch that depends on the work-item id"), e.getMessage());
    }

    @Test
    void aWrongShapeIsACompileErrorNamingTheCall() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class, () -> compile("wrongShape"));
        assertTrue(
                e.getMessage().contains("KernelContext.mma computes the shape M16N8K16, not M16N8K32"), e.getMessage());
        assertTrue(e.getMessage().contains("WarpCollectivesTest.java:"), e.getMessage());
    }

    @Test
    void simdgroupMatricesStayOnTheJvm() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class, () -> compile("simdgroupGemm"));
        assertTrue(e.getMessage().contains("simdgroupMatrix*) run on the JVM backend only"), e.getMessage());
    }

    @Test
    void privateArraysIndexedAtRunTimeStayInLocalMemory() {
        // fragmentA reads its fragment in a loop (f[i]): the array stays addressable
        String ptx = PtxEmitter.emit(compile("fragmentA"), PtxTarget.DEFAULT);
        assertTrue(ptx.contains(".local .align 8 .b8"), ptx);
        assertEquals(-1, ptx.indexOf("mma.sync"), ptx);
    }
}
