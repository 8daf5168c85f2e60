package io.squall.safety;

import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.jit.ArgSpec;
import io.squall.jit.CheckSite;
import io.squall.jit.CompileOptions;
import io.squall.jit.CompileOptions.AccessChecks;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.compiler.JitCompiler;
import io.squall.jit.ir.Instruction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the safety pass puts into the IR, without a device: parameters, check sites and their source lines. */
class SafetyChecksTest {
    private static Kernel compile(String name, List<ArgSpec> args, AccessChecks checks) throws Exception {
        Class<?>[] types = args.stream()
                .map(a -> switch (a.type().getSimpleName()) {
                    case "Integer" -> int.class;
                    default -> a.type();
                })
                .toArray(Class<?>[]::new);
        return JitCompiler.compile(
                SafetyKernels.class.getMethod(name, types), args, new CompileOptions(false, false, checks));
    }

    private static final List<ArgSpec> WRITE_AT = List.of(ArgSpec.of(FloatArray.class), ArgSpec.of(Integer.class));

    @Test
    void guardedKernelsKeepTheirParameters() throws Exception {
        Kernel none = compile("writeAt", WRITE_AT, AccessChecks.NONE);
        Kernel guard = compile("writeAt", WRITE_AT, AccessChecks.GUARD);
        assertEquals(
                none.params(),
                guard.params(),
                "GUARD binds exactly like NONE, so AOT binaries and launches are unchanged");
        assertNull(guard.errorBuffer());
        assertTrue(guard.checkSites().isEmpty());
        assertTrue(
                guard.ir().blocks().size() > none.ir().blocks().size(),
                "the store runs in its own block:\n" + guard.ir());
    }

    @Test
    void reportingKernelsGetAnErrorBufferAndOneSitePerCheck() throws Exception {
        Kernel k = compile("writeAt", WRITE_AT, AccessChecks.REPORT);
        KernelParam last = k.params().getLast();
        assertEquals(KernelParam.Kind.ERROR_BUFFER, last.kind());
        assertEquals(last, k.errorBuffer());
        assertEquals(k.params().size(), k.ir().parameters().size());
        assertEquals(1, k.checkSites().size(), k.checkSites().toString());
        CheckSite site = k.checkSites().getFirst();
        assertEquals(CheckSite.Kind.INDEX, site.kind());
        assertEquals(SafetyTest.site("writeAt"), site.location().toString());
        assertEquals(
                "index -3 out of bounds for length 100 of array arg0 at " + SafetyTest.site("writeAt"),
                site.describe(-3, 100));

        Kernel d = compile(
                "divide",
                List.of(
                        ArgSpec.of(IntArray.class),
                        ArgSpec.of(IntArray.class),
                        ArgSpec.of(IntArray.class),
                        ArgSpec.of(IntArray.class)),
                AccessChecks.REPORT);
        long divisions = d.checkSites().stream()
                .filter(s -> s.kind() == CheckSite.Kind.DIVISION_BY_ZERO)
                .count();
        assertEquals(2, divisions, d.checkSites().toString());
        assertEquals(
                6,
                d.checkSites().size() - divisions,
                "two loads each of a and b, stores to quotient and remainder: " + d.checkSites());
    }

    @Test
    void noDivisionByAVariableReachesTheBackends() throws Exception {
        Kernel k = compile(
                "divideLong",
                List.of(
                        ArgSpec.of(LongArray.class),
                        ArgSpec.of(LongArray.class),
                        ArgSpec.of(LongArray.class),
                        ArgSpec.of(LongArray.class)),
                AccessChecks.NONE);
        // Every integer DIV/REM divides by a select that replaced 0 and -1 with 1.
        var defs = k.ir().definitions();
        int divisions = 0;
        for (var b : k.ir().blocks()) {
            for (Instruction i : b.instructions()) {
                if (i instanceof Instruction.Binary bin
                        && (bin.op() == Instruction.BinaryOperator.DIV || bin.op() == Instruction.BinaryOperator.REM)) {
                    divisions++;
                    assertTrue(defs.get(bin.right()) instanceof Instruction.Select, "unguarded divisor in:\n" + k.ir());
                }
            }
        }
        assertEquals(2, divisions, k.ir().toString());
    }
}
