package io.squall.jit;

import io.squall.api.common.TornadoFunctions.Task1;
import io.squall.api.common.TornadoFunctions.Task2;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.jit.compiler.JitCompiler;
import io.squall.suite.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskResolverTest {

    @Test
    void methodReferenceResolvesToTheStaticMethod() {
        Task3<FloatArray, FloatArray, FloatArray> task = Kernels::vectorAdd;
        ResolvedTask r = TaskResolver.resolve(task);
        assertEquals("vectorAdd", r.method().getName());
        assertEquals(Kernels.class, r.method().getDeclaringClass());
        assertEquals(0, r.capturedArgs().length);
    }

    @Test
    void forwardingLambdaResolvesToTheKernelItCalls() {
        Task2<FloatArray, FloatArray> task = (in, out) -> Kernels.geluKernel(in, out);
        ResolvedTask r = TaskResolver.resolve(task);
        assertEquals("geluKernel", r.method().getName());
        Kernel k = JitCompiler.compile(
                r.method(),
                List.of(ArgSpec.of(FloatArray.class), ArgSpec.of(FloatArray.class)),
                CompileOptions.defaults());
        assertEquals(Kernel.Shape.PARALLEL_LOOPS, k.shape());
    }

    @Test
    void lambdaWithItsOwnBodyCompilesAsItsSyntheticMethod() {
        Task2<FloatArray, FloatArray> task = (in, out) -> {
            for (int i = 0; i < out.getSize(); i++) {
                out.set(i, in.get(i) * 3f);
            }
        };
        ResolvedTask r = TaskResolver.resolve(task);
        assertTrue(r.method().getName().startsWith("lambda$"));
        Kernel k = JitCompiler.compile(
                r.method(),
                List.of(ArgSpec.of(FloatArray.class), ArgSpec.of(FloatArray.class)),
                CompileOptions.defaults());
        assertEquals(Kernel.Shape.SINGLE_THREAD, k.shape());
        assertTrue(OpenCLEmitter.emit(k, DeviceCapabilities.generic()).contains(k.entryName()));
    }

    @Test
    void boundInstanceMethodReferenceCapturesItsReceiver() {
        String s = "x";
        Task1<String> task = (Task1<String> & java.io.Serializable) s::concat;
        ResolvedTask r = TaskResolver.resolve(task);
        assertEquals("concat", r.method().getName());
        assertEquals(1, r.capturedArgs().length);
        assertTrue(r.capturedArgs()[0] == s, "the receiver is the captured argument");
        KernelCompilationException e = assertThrows(
                KernelCompilationException.class,
                () -> JitCompiler.compile(
                        r.method(),
                        List.of(ArgSpec.of(String.class), ArgSpec.of(String.class)),
                        CompileOptions.defaults()));
        assertTrue(e.getMessage().contains("a method of `java.lang.String` as a kernel"), e.getMessage());
    }

    @Test
    void nonLambdaTaskIsRejectedClearly() {
        Task1<String> task = new Task1<>() {
            @Override
            public void apply(String arg1) {}
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskResolver.resolve(task));
        assertTrue(e.getMessage().contains("not a lambda or method reference"), e.getMessage());
    }
}
