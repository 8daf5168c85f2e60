package io.squall.model.accel;

import io.squall.api.KernelContext;
import io.squall.backend.ptx.codegen.PtxEmitter;
import io.squall.backend.ptx.codegen.PtxTarget;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;
import io.squall.kernels.Embedding;
import io.squall.kernels.MatMatRows;
import io.squall.kernels.MatVec;
import io.squall.kernels.MatVecRows;
import io.squall.kernels.format.BlockFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every product kernel for every weight format, compiled as the accelerated engine compiles it (the format specialized,
 * with and without fast math), emitted as PTX, assembles with ptxas for sm_80 and sm_90 without spills. Prints
 * {@code ptxas -v}'s registers and spills per kernel. Skipped when ptxas is absent.
 */
class KernelPtxTest {
    static final Path PTXAS = find();

    /**
     * Kernels the engine runs only on CPU OpenCL devices (MatVecShape.VECTOR_ROWS): their 2 x 8 float16 accumulators
     * are 256 floats as PTX registers, so they spill there; they must still assemble (correct code, checked on the other
     * backends by MatMatTest).
     */
    static final java.util.Set<String> CPU_ONLY =
            java.util.Set.of("MatMatRows.matmatVectors", "MatMatRows.matmatLiveVectors");

    static List<Arguments> kernelsAndFormats() {
        List<Arguments> args = new ArrayList<>();
        for (String kernel : new String[] {
            "MatVec.matvec",
            "MatVec.swiglu",
            "MatVec.qkv",
            "MatVecRows.matvec",
            "MatVecRows.swiglu",
            "MatVecRows.qkv",
            "MatVecRows.matvecVectors",
            "MatVecRows.swigluVectors",
            "MatVecRows.qkvVectors",
            "MatMatRows.matmat",
            "MatMatRows.matmatLive",
            "MatMatRows.matmatVectors",
            "MatMatRows.matmatLiveVectors",
            "Embedding.lookup"
        }) {
            for (BlockFormat f : BlockFormat.values()) {
                if (f.hasKernels()) {
                    args.add(Arguments.of(kernel, f));
                }
            }
        }
        return args;
    }

    static Method method(String name) {
        Class<?> owner = switch (name.substring(0, name.indexOf('.'))) {
            case "MatVec" -> MatVec.class;
            case "MatVecRows" -> MatVecRows.class;
            case "MatMatRows" -> MatMatRows.class;
            default -> Embedding.class;
        };
        String simple = name.substring(name.indexOf('.') + 1);
        return Arrays.stream(owner.getMethods())
                .filter(m -> m.getName().equals(simple))
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernelsAndFormats")
    void assemblesForAmpereAndHopperWithoutSpills(String name, BlockFormat format) throws Exception {
        Assumptions.assumeTrue(PTXAS != null, "ptxas not found on PATH: PTX not assembled");
        Method m = method(name);
        Class<?>[] types = m.getParameterTypes();
        for (boolean fastMath : new boolean[] {false, true}) {
            List<ArgSpec> specs = new ArrayList<>();
            for (int i = 0; i < types.length; i++) {
                Class<?> t = types[i] == int.class ? Integer.class : types[i] == float.class ? Float.class : types[i];
                boolean last = i == types.length - 1; // every kernel's format code
                specs.add(t == KernelContext.class ? ArgSpec.of(t) : new ArgSpec(t, last ? format.code() : null));
            }
            Kernel k = JitCompiler.compile(m, specs, new CompileOptions(fastMath, true));
            for (String arch : new String[] {"sm_80", "sm_90"}) {
                String ptx = PtxEmitter.emit(k, PtxTarget.parse(arch));
                String report = ptxasVerbose(ptx, arch);
                Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(report);
                Matcher spills = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads")
                        .matcher(report);
                assertTrue(
                        regs.find() && spills.find(),
                        name + " " + format + " " + arch + ": no ptxas -v report:\n" + report);
                System.out.printf(
                        "ptxas %s %-18s %-5s fastMath=%-5s %3s registers, spill stores %s B, loads %s B%n",
                        arch, name, format, fastMath, regs.group(1), spills.group(1), spills.group(2));
                if (!CPU_ONLY.contains(name)) {
                    assertEquals("0", spills.group(1), name + " " + format + " " + arch + " spills:\n" + report);
                }
            }
        }
    }

    /** ptxas -v's report; fails the test with ptxas's messages when it does not assemble. */
    static String ptxasVerbose(String ptx, String arch) throws Exception {
        Path dir = Files.createTempDirectory("squall-ptxas");
        try {
            Path in = dir.resolve("kernel.ptx");
            Files.writeString(in, ptx);
            Process p = new ProcessBuilder(
                            PTXAS.toString(),
                            "-v",
                            "-arch=" + arch,
                            in.toString(),
                            "-o",
                            dir.resolve("k.cubin").toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out");
            assertEquals(0, p.exitValue(), () -> "ptxas -arch=" + arch + " failed:\n" + out + "\n" + ptx);
            return out;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "ptxas");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
