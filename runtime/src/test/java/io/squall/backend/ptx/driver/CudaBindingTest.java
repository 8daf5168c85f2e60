package io.squall.backend.ptx.driver;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks that needs no GPU: every bound entry point resolves in the CUDA toolkit's stub libcuda.so (so the
 * names and versions are right), and the tests' handwritten PTX assembles with ptxas.
 */
class CudaBindingTest {

    static List<Path> stubLibraries() throws IOException {
        List<Path> found = new ArrayList<>();
        Path local = Path.of("/usr/local");
        if (!Files.isDirectory(local)) return found;
        try (Stream<Path> roots = Files.list(local)) {
            for (Path cuda : roots.filter(p -> p.getFileName().toString().startsWith("cuda"))
                    .toList()) {
                List<Path> candidates = new ArrayList<>(
                        List.of(cuda.resolve("lib64/stubs/libcuda.so"), cuda.resolve("lib/stubs/libcuda.so")));
                Path targets = cuda.resolve("targets");
                if (Files.isDirectory(targets)) {
                    try (Stream<Path> t = Files.list(targets)) {
                        t.forEach(target -> candidates.add(target.resolve("lib/stubs/libcuda.so")));
                    }
                }
                for (Path candidate : candidates) {
                    if (Files.isRegularFile(candidate) && !found.contains(candidate.toRealPath()))
                        found.add(candidate.toRealPath());
                }
            }
        }
        return found;
    }

    @Test
    void everyEntryPointResolvesInTheStubLibrary() throws IOException {
        List<Path> stubs = stubLibraries();
        assumeTrue(
                !stubs.isEmpty(),
                "no CUDA toolkit stub libcuda.so under /usr/local/cuda*/{lib64,lib,targets/*/lib}/stubs");
        for (Path stub : stubs) {
            CU.Loaded loaded = CU.bind(SymbolLookup.libraryLookup(stub, Arena.global()), stub.toString());
            assertNull(loaded.failure(), loaded.failure());
            assertEquals(CU.FUNCTIONS.size(), loaded.api().handles.size());
            // The stub's cuInit reports CUDA_ERROR_STUB_LIBRARY; the probe must say so, not crash.
            Cuda.Probe probe = Cuda.probe(List.of(stub.toString()));
            assertFalse(probe.available());
            assertTrue(probe.reason().contains("stub"), probe.reason());
        }
    }

    @Test
    void theRealDriverBindsEveryEntryPointWhenPresent() {
        assumeTrue(Cuda.isAvailable(), "no CUDA driver: " + Cuda.unavailableReason());
        assertEquals(CU.FUNCTIONS.size(), Cuda.api().handles.size());
        assertEquals("CUDA_ERROR_INVALID_VALUE", Cuda.api().errorName(1));
        assertNotEquals("", Cuda.api().errorString(1));
    }

    static Path ptxas() {
        for (String dir : List.of("/usr/local/cuda/bin", "/usr/bin")) {
            Path p = Path.of(dir, "ptxas");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    @Test
    void testPtxAssemblesWithPtxas() throws Exception {
        Path ptxas = ptxas();
        assumeTrue(ptxas != null, "ptxas not found (CUDA toolkit absent)");
        Path dir = Files.createTempDirectory("squall-ptx");
        try {
            Path source = Files.writeString(dir.resolve("kernels.ptx"), TestPtx.KERNELS);
            assertEquals(
                    0,
                    run(
                            ptxas.toString(),
                            "-arch=sm_90",
                            source.toString(),
                            "-o",
                            dir.resolve("k.cubin").toString()));
            Path broken = Files.writeString(dir.resolve("broken.ptx"), TestPtx.BROKEN);
            assertNotEquals(
                    0,
                    run(
                            ptxas.toString(),
                            "-arch=sm_90",
                            broken.toString(),
                            "-o",
                            dir.resolve("b.cubin").toString()));
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ptxas timed out");
        if (process.exitValue() != 0) System.out.println(String.join(" ", command) + ":\n" + output);
        return process.exitValue();
    }
}
