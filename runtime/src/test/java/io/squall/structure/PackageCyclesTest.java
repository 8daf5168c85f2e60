package io.squall.structure;

import io.squall.api.TaskGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackageCyclesTest {

    @Test
    void runtimeHasNoPackageCycle() {
        PackageCycles.assertNone(PackageCycles.classesOf(TaskGraph.class));
    }

    /**
     * Beyond "no cycle", the layering the package-info files promise: the API names no implementation package (it finds
     * the runtime with ServiceLoader), discovery and the SPI name no backend (each backend is a service).
     */
    @Test
    void theApiDiscoveryAndSpiNameNoImplementation() {
        Map<String, Map<String, String>> graph = PackageCycles.packageGraph(PackageCycles.classesOf(TaskGraph.class));
        List<String> violations = new java.util.ArrayList<>();
        graph.forEach((from, edges) -> edges.forEach((to, example) -> {
            boolean api =
                    from.startsWith("io.squall.api") && !to.startsWith("io.squall.api") && !to.equals("io.squall.plan");
            boolean discovery = (from.equals("io.squall.device") || from.equals("io.squall.backend"))
                    && to.startsWith("io.squall.backend.");
            boolean spiUp = from.equals("io.squall.backend")
                    && (to.startsWith("io.squall.exec") || to.startsWith("io.squall.device"));
            if (api || discovery || spiUp) {
                violations.add(from + " -> " + to + " (" + example + ")");
            }
        }));
        assertEquals(List.of(), violations);
        assertTrue(
                graph.containsKey("io.squall.backend.ptx") && graph.containsKey("io.squall.api"),
                graph.keySet().toString());
    }

    @Test
    void aCycleFailsWithEachStepAndAClassThatMakesIt(@TempDir Path dir) throws IOException {
        // p.A calls q.B; q.B has a field of type r.C; r.C's method returns p.A[]: p -> q -> r -> p.
        write(dir, "p.A", "q.B", Kind.CALL);
        write(dir, "q.B", "r.C", Kind.FIELD);
        write(dir, "r.C", "p.A", Kind.RETURNS_ARRAY);
        write(dir, "s.D", "p.A", Kind.CALL); // depends on the cycle, is not in it
        AssertionError e = assertThrows(AssertionError.class, () -> PackageCycles.assertNone(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith("1 package cycle(s)"), m);
        assertTrue(m.contains("cycle among [p, q, r]:"), m);
        assertTrue(m.contains("p -> q   (A -> B)"), m);
        assertTrue(m.contains("q -> r   (B -> C)"), m);
        assertTrue(m.contains("r -> p   (C -> A)"), m);
        assertTrue(!m.contains("s ->"), m);
    }

    @Test
    void referencesOneWayAreNoCycle(@TempDir Path dir) throws IOException {
        write(dir, "p.A", "q.B", Kind.CALL);
        write(dir, "q.B", "r.C", Kind.FIELD);
        write(dir, "r.C", "java.lang.Object", Kind.FIELD);
        write(dir, "p.E", "r.C", Kind.RETURNS_ARRAY);
        PackageCycles.assertNone(dir);
        Map<String, Map<String, String>> graph = PackageCycles.packageGraph(dir);
        assertEquals(Map.of("q", "A -> B", "r", "E -> C"), graph.get("p"));
        assertEquals(Map.of(), graph.get("r"), "classes outside the directory are not packages of the module");
        assertEquals(List.of(), PackageCycles.cycles(graph));
    }

    @Test
    void noClassesIsAnError(@TempDir Path dir) {
        assertThrows(AssertionError.class, () -> PackageCycles.assertNone(dir));
        assertThrows(AssertionError.class, () -> PackageCycles.assertNone(dir.resolve("absent")));
    }

    private enum Kind {
        CALL,
        FIELD,
        RETURNS_ARRAY
    }

    /** A class {@code name} whose only use of {@code target} is of the given kind. */
    private static void write(Path dir, String name, String target, Kind kind) throws IOException {
        ClassDesc self = ClassDesc.of(name);
        ClassDesc other = ClassDesc.of(target);
        byte[] bytes = ClassFile.of().build(self, cb -> {
            cb.withFlags(AccessFlag.PUBLIC);
            switch (kind) {
                case FIELD -> cb.withField("f", other, ClassFile.ACC_PUBLIC);
                case RETURNS_ARRAY ->
                    cb.withMethodBody(
                            "m",
                            MethodTypeDesc.of(other.arrayType()),
                            ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                            code -> code.aconst_null().areturn());
                case CALL ->
                    cb.withMethodBody(
                            "m",
                            MethodTypeDesc.of(ConstantDescs.CD_void),
                            ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                            code -> code.invokestatic(other, "m", MethodTypeDesc.of(ConstantDescs.CD_void))
                                    .return_());
            }
        });
        Path file = dir.resolve(name.replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
