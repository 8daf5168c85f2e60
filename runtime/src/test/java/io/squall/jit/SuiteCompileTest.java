package io.squall.jit;

import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Phi;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every suite kernel compiles to well-formed IR and to OpenCL C. */
class SuiteCompileTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void compilesToIrAndOpenCL(SuiteCase c) {
        for (boolean specialize : new boolean[] {false, true}) {
            Kernel k = SuiteSupport.compile(c, specialize);
            assertFalse(k.ir().blocks().isEmpty());
            for (Block b : k.ir().blocks()) {
                assertNotNull(b.terminator(), "block " + b + " of " + c.name() + " has no terminator\n" + k.ir());
                for (Phi p : b.phis()) {
                    assertFalse(p.incoming().isEmpty(), "empty phi in " + c.name());
                }
            }
            // a grid launches a KernelContext kernel, or a @Parallel kernel with fewer work-items than iterations
            assertEquals(
                    c.grid() == null || k.dimensions() > 0
                            ? (k.shape() == Kernel.Shape.SINGLE_THREAD
                                    ? Kernel.Shape.SINGLE_THREAD
                                    : Kernel.Shape.PARALLEL_LOOPS)
                            : Kernel.Shape.KERNEL_CONTEXT,
                    k.shape());
            String src = OpenCLEmitter.emit(k, DeviceCapabilities.generic());
            assertTrue(src.contains("__kernel ") && src.contains("void " + k.entryName() + "("), src);
            long arrays = k.params().stream()
                    .filter(p -> p.kind() == KernelParam.Kind.BUFFER)
                    .count();
            assertEquals(
                    arrays,
                    k.params().stream()
                            .filter(p -> p.kind() == KernelParam.Kind.LENGTH)
                            .count());
        }
    }
}
