import io.squall.backend.ptx.codegen.PtxEmitter;
import io.squall.backend.ptx.codegen.PtxTarget;
import io.squall.api.KernelContext;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles every static KernelContext kernel of the given TornadoVM test classes with Squall's JIT, emits PTX for each
 * architecture and assembles it with ptxas -v; prints one line per kernel and architecture (OK with registers and
 * spills, or the reason) and exits 1 when any failed.
 *   java PtxAssemble PTXAS ARCHS CLASS...   (ARCHS: comma-separated, e.g. sm_80,sm_90)
 */
public class PtxAssemble {
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers");
    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

    public static void main(String[] args) throws Exception {
        String ptxas = args[0];
        String[] archs = args[1].split(",");
        int failed = 0;
        for (String className : Arrays.copyOfRange(args, 2, args.length)) {
            Class<?> c = Class.forName(className);
            List<Method> kernels = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() > 0
                        && m.getParameterTypes()[0] == KernelContext.class) {
                    kernels.add(m);
                }
            }
            kernels.sort(Comparator.comparing(Method::getName));
            for (Method m : kernels) {
                String name = c.getSimpleName() + "." + m.getName();
                Kernel k;
                try {
                    List<ArgSpec> specs = new ArrayList<>();
                    for (Class<?> t : m.getParameterTypes()) {
                        specs.add(ArgSpec.of(t));
                    }
                    k = JitCompiler.compile(m, specs, CompileOptions.defaults());
                } catch (RuntimeException e) {
                    System.out.println("JIT-FAIL " + name + ": " + e.getMessage());
                    failed++;
                    continue;
                }
                for (String arch : archs) {
                    String ptx;
                    try {
                        ptx = PtxEmitter.emit(k, PtxTarget.parse(arch));
                    } catch (RuntimeException e) {
                        System.out.println("EMIT-REFUSED " + arch + " " + name + ": " + e.getMessage());
                        continue;
                    }
                    String result = assemble(ptxas, ptx, arch);
                    boolean ok = result.startsWith("OK");
                    failed += ok ? 0 : 1;
                    System.out.println((ok ? "" : "PTXAS-FAIL ") + arch + " " + name + ": " + result);
                }
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    private static String assemble(String ptxas, String ptx, String arch) throws Exception {
        Path dir = Files.createTempDirectory("squall-ptx");
        Path in = dir.resolve("k.ptx");
        Files.writeString(in, ptx);
        Process p = new ProcessBuilder(ptxas, "-arch=" + arch, "-v", in.toString(), "-o", dir.resolve("k.cubin").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        if (rc != 0) {
            return "exit " + rc + ": " + out.strip().replace('\n', ' ');
        }
        Matcher used = USED.matcher(out);
        Matcher spill = SPILL.matcher(out);
        return "OK " + (used.find() ? used.group(1) : "?") + " registers, "
                + (spill.find() ? spill.group(1) + "/" + spill.group(2) : "?/?") + " bytes spilled (stores/loads)";
    }
}
