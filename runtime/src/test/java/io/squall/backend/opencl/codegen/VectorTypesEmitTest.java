package io.squall.backend.opencl.codegen;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ptx.codegen.PtxEmitter;
import io.squall.backend.ptx.codegen.PtxTarget;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;
import io.squall.suite.VectorSuite;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float16 values reach OpenCL C as its vector types (one {@code vload16} per load, {@code convert_float16} of the
 * quants, a {@code float16} accumulator), which PoCL keeps at 512 bits; PTX gets them as lanes and the kernel's IR is left
 * as it was for the next backend. (The results are checked on every device by the kernel suite's vector cases.)
 */
class VectorTypesEmitTest {
    static Kernel quantRowDots() throws Exception {
        Method m = VectorSuite.class.getMethod(
                "quantRowDots",
                ByteArray.class,
                FloatArray.class,
                FloatArray.class,
                FloatArray.class,
                FloatArray.class,
                int.class);
        List<ArgSpec> specs = List.of(
                ArgSpec.of(ByteArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(int.class));
        return JitCompiler.compile(m, specs, CompileOptions.defaults());
    }

    @Test
    void openclCGetsVectorTypes() throws Exception {
        String src = OpenCLEmitter.emit(quantRowDots(), DeviceCapabilities.generic());
        assertTrue(src.contains("float16 "), src);
        assertEquals(6, count(src, "vload16(0, "), src); // x twice, the quants as bytes twice and as nibbles twice
        assertTrue(src.contains("convert_float16(vload16(0, "), src);
        assertTrue(src.contains(" & (uchar)15)") && src.contains(" >> (uchar)4)"), src);
        assertTrue(src.contains("fma("), src);
        assertTrue(src.contains(".lo + "), src);
    }

    @Test
    void ptxGetsLanesAndLeavesTheIrForOtherBackends() throws Exception {
        Kernel k = quantRowDots();
        String before = k.ir().toString();
        String ptx = PtxEmitter.emit(k, PtxTarget.parse("sm_80"));
        assertFalse(ptx.contains(".v4.f32") || ptx.contains(".v2.f32"), "scalar lanes only");
        assertTrue(ptx.contains("fma.rn.f32"), ptx);
        assertEquals(before, k.ir().toString());
        assertTrue(OpenCLEmitter.emit(k, DeviceCapabilities.generic()).contains("float16 "));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int at = s.indexOf(part); at >= 0; at = s.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
