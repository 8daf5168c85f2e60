package io.squall.backend.spirv.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The external SPIR-V tools this backend can use when installed (Debian spirv-tools, llvm-spirv-15): found on the
 * PATH, run as processes on temporary files. Nothing here is needed to emit SPIR-V.
 */
public final class SpirvTools {
    private SpirvTools() {}

    /** The result of one tool run. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** The first of {@code names} found on the PATH, or null. */
    public static Path find(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : names) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    public static Path spirvVal() {
        return find("spirv-val");
    }

    public static Path spirvDis() {
        return find("spirv-dis");
    }

    /** The SPIR-V / LLVM translator (Debian ships it versioned). */
    public static Path llvmSpirv() {
        return find("llvm-spirv-15", "llvm-spirv");
    }

    /** Runs {@code command}; output is stdout and stderr together. A tool that runs past 60 s is killed and reported. */
    public static Result run(List<String> command) {
        Path log = null;
        try {
            log = Files.createTempFile("squall-tool", ".log");
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": still running after 60 s, killed");
            }
            return new Result(p.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        } finally {
            deleteQuietly(log);
        }
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** Runs a tool on the module written to a temporary file; {@code before}/{@code after} surround the file argument. */
    public static Result runOn(SpirvBinary module, Path tool, List<String> before, List<String> after) {
        Path file = null;
        try {
            file = Files.createTempFile("squall-" + module.entryName(), ".spv");
            Files.write(file, module.bytes());
            List<String> cmd = new ArrayList<>();
            cmd.add(tool.toString());
            cmd.addAll(before);
            cmd.add(file.toString());
            cmd.addAll(after);
            return run(cmd);
        } catch (IOException e) {
            return new Result(-1, "cannot write a temporary SPIR-V file: " + e.getMessage());
        } finally {
            deleteQuietly(file);
        }
    }

    /** spirv-val with {@code targetEnv} (e.g. opencl2.2); null when spirv-val is not installed. */
    public static Result validate(SpirvBinary module, String targetEnv) {
        Path val = spirvVal();
        return val == null ? null : runOn(module, val, List.of("--target-env", targetEnv), List.of());
    }

    /**
     * The closest environment spirv-val offers for a module: OpenCL 2.2 (SPIR-V up to 1.2). Two exceptions use the
     * universal rules of the module's version instead: modules that need SPIR-V 1.3 (sub-group shuffles, for OpenCL
     * 3.0 devices), and modules with Int64Atomics, which the OpenCL SPIR-V environment allows with
     * cl_khr_int64_base_atomics but spirv-val's OpenCL profiles do not list.
     */
    public static String validationEnvironment(SpirvBinary module) {
        String v = module.version();
        boolean openclVersion = v.equals("1.0") || v.equals("1.1") || v.equals("1.2");
        return openclVersion && !module.capabilities().contains(Spv.CAP_INT64_ATOMICS) ? "opencl2.2" : "spv" + v;
    }

    /** Readable text: spirv-dis when installed, else this backend's own disassembler. */
    public static String disassemble(SpirvBinary module) {
        Path dis = spirvDis();
        if (dis != null) {
            Result r = runOn(module, dis, List.of("--no-color"), List.of());
            if (r.ok()) {
                return r.output();
            }
        }
        return SpirvDisassembler.disassemble(module);
    }
}
