package io.squall.jit;

import io.squall.jit.compiler.JitCompiler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every construct outside the kernel subset fails at compile time naming kernel, construct and source line. */
class RejectionTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "allocation|allocation|object allocation `new java.util.ArrayList`",
                "throwing|throwing|throwing an exception (`new java.lang.IllegalStateException`)",
                "virtualCall|virtualCall|the virtual call `java.lang.Object.toString`",
                "synchronizedBlock|synchronizedBlock|`synchronized`",
                "recursion|recursion|recursion (`io.squall.jit.BadKernels.recurse` calls itself)",
                "staticField|staticField|the static field `io.squall.jit.BadKernels.counter`",
                "lambda|lambda|a lambda, method reference or string concatenation (invokedynamic)",
                "newArray|newArray|array allocation `new float[]`",
                "stride|stride|a @Parallel loop with a stride other than `i++`",
                "tryCatch|tryCatch|exception handling (try/catch/finally)",
                "contextField|contextField|the field write `io.squall.api.KernelContext.localGroupSizeX`",
                "localSize|localSize|a local array whose size is not a positive compile-time constant",
                "siblings|-|two @Parallel loops at the same nesting level",
                "returnsValue|-|a kernel returning `int`",
                "stringParam|-|a parameter of type `java.lang.String`",
                "libraryCall|libraryCall|the math function `java.lang.Math.round`",
                "javaLibrary|javaLibrary|the library call `java.util.Arrays.fill`",
                "nullCheck|nullCheck|a reference comparison",
                "multiDim|multiDim|multi-dimensional array allocation",
                "instance|instance|the field `io.squall.jit.BadKernels.label` of type String of the task's receiver",
                "stringConcat|stringConcat|a lambda, method reference or string concatenation (invokedynamic)",
                "reduceRead|reduceRead|a read of the @Reduce argument outside its @Parallel loop",
                "reduceSubtract|reduceSubtract|a @Reduce update other than `result[0] += x`",
                "reduceOverwrite|reduceOverwrite|a @Reduce update other than `result[0] += x`",
                "assertion|assertion|throwing an exception (`new java.lang.AssertionError`)",
                "arraysSwappedInLoop|-|a variable that refers to different arrays on different paths",
                "counterInLoop|counterInLoop|`new AtomicInteger` inside a loop or a called method",
                "vectorDynamicLane|vectorDynamicLane|`io.squall.api.types.vectors.Float4.get` with a lane that is not a constant",
                "vectorMixed|vectorMixed|`io.squall.api.types.vectors.Float4.dot` mixing a vector value with a `new` Float4",
                "vectorMutated|vectorMutated|`io.squall.api.types.vectors.Float4.set` on a vector value",
            })
    void rejected(String method, String lineMarker, String construct) throws Exception {
        Method m = find(method);
        List<ArgSpec> specs = new ArrayList<>();
        for (Class<?> t : ReceiverFields.argumentTypes(m)) {
            specs.add(ArgSpec.of(t));
        }
        KernelCompilationException e = assertThrows(
                KernelCompilationException.class, () -> JitCompiler.compile(m, specs, CompileOptions.defaults()));
        assertEquals("BadKernels." + method, e.kernel());
        assertTrue(e.construct().startsWith(construct), "construct: " + e.construct());
        assertTrue(e.getMessage().startsWith("BadKernels." + method + " (BadKernels.java:"), e.getMessage());
        assertTrue(e.getMessage().contains(construct), e.getMessage());
        if (lineMarker.equals("-")) {
            assertTrue(
                    e.sourceLine() > 0, "a method-level error still names the method's first line: " + e.getMessage());
        } else if (!method.equals("tryCatch")) {
            assertEquals(markerLine(lineMarker), e.sourceLine(), e.getMessage());
        }
    }

    private static Method find(String name) {
        for (Method m : BadKernels.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name);
    }

    private static int markerLine(String marker) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/squall/jit/BadKernels.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// LINE:" + marker)) {
                return i + 1;
            }
        }
        throw new AssertionError("marker " + marker);
    }
}
