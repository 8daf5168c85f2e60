package io.squall.backend.opencl.codegen;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Under fast math a float multiply whose only use is an add or subtract of the same block is written into it, so the
 * OpenCL compiler may fuse the two; precise kernels keep one statement per operation and FP_CONTRACT off.
 */
class ContractedMultiplyTest {
    public static void mulAdd(FloatArray a, FloatArray b, FloatArray c, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            float p = a.get(i) * b.get(i); // one use, an add: contracted under fast math
            float q = a.get(i) * c.get(i); // three uses: stays a statement
            out.set(i, c.get(i) + p - q * q + q); // q * q: one use, a subtract: contracted
        }
    }

    static String emit(boolean fastMath) throws Exception {
        Method m = ContractedMultiplyTest.class.getMethod(
                "mulAdd", FloatArray.class, FloatArray.class, FloatArray.class, FloatArray.class);
        List<ArgSpec> specs = List.of(
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class));
        Kernel k = JitCompiler.compile(m, specs, new CompileOptions(fastMath, false));
        return OpenCLEmitter.emit(k, DeviceCapabilities.generic());
    }

    /** Statements that assign a product alone: {@code vN = (vA * vB);}. */
    static int productStatements(String src) {
        Matcher m = Pattern.compile("v\\d+ = \\(v\\d+ \\* v\\d+\\);").matcher(src);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void preciseKernelsKeepEveryMultiplyAsAStatement() throws Exception {
        String src = emit(false);
        assertTrue(src.contains("#pragma OPENCL FP_CONTRACT OFF"), src);
        assertEquals(3, productStatements(src), src);
    }

    @Test
    void fastMathWritesSingleUseProductsIntoTheirAddOrSubtract() throws Exception {
        String src = emit(true);
        assertFalse(src.contains("FP_CONTRACT OFF"), src);
        assertEquals(1, productStatements(src), "only q, used three times, stays a statement\n" + src);
        assertTrue(
                Pattern.compile("\\(v\\d+ \\+ \\(v\\d+ \\* v\\d+\\)\\)")
                        .matcher(src)
                        .find(),
                src);
        assertTrue(
                Pattern.compile("\\(v\\d+ - \\(v\\d+ \\* v\\d+\\)\\)")
                        .matcher(src)
                        .find(),
                src);
    }

    @Test
    void contractedKernelComputesTheJavaResultOnOpenCL() throws Exception {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        int n = 1000;
        FloatArray a = new FloatArray(n), b = new FloatArray(n), c = new FloatArray(n), out = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, (i % 17 - 8) * 0.37f);
            b.set(i, (i % 23 - 11) * 0.11f);
            c.set(i, (i % 7 - 3) * 0.53f);
        }
        TaskGraph g = new TaskGraph("contracted")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b, c)
                .task("t", ContractedMultiplyTest::mulAdd, a, b, c, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice("opencl:0"))
                .withCompilerFlags("-fast-math")) {
            plan.execute();
        }
        for (int i = 0; i < n; i++) {
            float q = a.get(i) * c.get(i);
            double expected = (double) c.get(i) + (double) a.get(i) * b.get(i) - (double) q * q + q;
            assertEquals(expected, out.get(i), 1e-5 * (1 + Math.abs(expected)), "element " + i);
        }
    }
}
