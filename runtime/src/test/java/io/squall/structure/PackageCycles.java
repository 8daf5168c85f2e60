package io.squall.structure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The package dependency graph of a module's compiled classes, and its cycles. An edge {@code p -> q} means a class of
 * package {@code p} names a class of package {@code q} in its constant pool (class, field, method and method-type
 * references) or in its own field and method descriptors; only the module's own packages count. Each module's
 * {@code PackageCyclesTest} runs {@link #assertNone} on its {@code target/classes}, so a new upward reference fails
 * the build with the cycle spelled out class by class.
 */
public final class PackageCycles {
    private PackageCycles() {}

    /** {@code graph.get(p).get(q)} is one example edge "p.A -> q.B" for the package edge p -> q. */
    public static Map<String, Map<String, String>> packageGraph(Path classes) {
        Map<String, Map<String, String>> classRefs = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                ClassModel model = ClassFile.of().parse(Files.readAllBytes(file));
                String self = model.thisClass().asInternalName();
                if (self.endsWith("module-info")) {
                    continue;
                }
                Map<String, String> refs = new TreeMap<>();
                for (PoolEntry entry : model.constantPool()) {
                    switch (entry) {
                        case ClassEntry c -> addInternalName(refs, c.asInternalName());
                        case MemberRefEntry m -> addDescriptor(refs, m.type().stringValue());
                        case MethodTypeEntry t ->
                            addDescriptor(refs, t.descriptor().stringValue());
                        default -> {}
                    }
                }
                for (FieldModel f : model.fields()) {
                    addDescriptor(refs, f.fieldType().stringValue());
                }
                for (MethodModel m : model.methods()) {
                    addDescriptor(refs, m.methodType().stringValue());
                }
                classRefs.put(self.replace('/', '.'), refs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the classes under " + classes, e);
        }
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (var c : classRefs.entrySet()) {
            String from = packageOf(c.getKey());
            Map<String, String> edges = graph.computeIfAbsent(from, p -> new TreeMap<>());
            for (String target : c.getValue().keySet()) {
                String to = packageOf(target);
                if (!to.equals(from) && classRefs.containsKey(target)) {
                    edges.putIfAbsent(to, simpleName(c.getKey()) + " -> " + simpleName(target));
                }
            }
        }
        return graph;
    }

    /** Every cycle (one per strongly connected component of more than one package), each step with an example class edge. */
    public static List<String> cycles(Map<String, Map<String, String>> graph) {
        List<String> reports = new ArrayList<>();
        for (List<String> component : stronglyConnected(graph)) {
            if (component.size() > 1) {
                reports.add(describe(graph, component));
            }
        }
        return reports;
    }

    /** Fails with every package cycle among the classes under {@code classes}, or passes when there is none. */
    public static void assertNone(Path classes) {
        if (!Files.isDirectory(classes)) {
            throw new AssertionError("no compiled classes at " + classes);
        }
        Map<String, Map<String, String>> graph = packageGraph(classes);
        if (graph.isEmpty()) {
            throw new AssertionError("no classes found under " + classes);
        }
        List<String> cycles = cycles(graph);
        if (!cycles.isEmpty()) {
            throw new AssertionError(cycles.size() + " package cycle(s) among the classes under " + classes
                    + " (a package must not depend, directly or not, on one that depends on it):\n"
                    + String.join("\n", cycles));
        }
    }

    /** The directory (or jar) a class was loaded from: a module's {@code target/classes} whatever the build directory is called. */
    public static Path classesOf(Class<?> anyMainClass) {
        try {
            return Path.of(anyMainClass
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("location of " + anyMainClass, e);
        }
    }

    private static String describe(Map<String, Map<String, String>> graph, List<String> component) {
        // The shortest path from the component's first package back to itself, through the component.
        String start = component.getFirst();
        var inComponent = new TreeSet<>(component);
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        String last = null;
        while (!queue.isEmpty() && last == null) {
            String p = queue.removeFirst();
            for (String q : graph.getOrDefault(p, Map.of()).keySet()) {
                if (q.equals(start)) {
                    last = p;
                    break;
                }
                if (inComponent.contains(q) && !cameFrom.containsKey(q)) {
                    cameFrom.put(q, p);
                    queue.addLast(q);
                }
            }
        }
        List<String> path = new ArrayList<>();
        for (String p = last; p != null && !p.equals(start); p = cameFrom.get(p)) {
            path.addFirst(p);
        }
        path.addFirst(start);
        path.add(start);
        StringBuilder sb = new StringBuilder("cycle among " + component + ":");
        for (int i = 0; i + 1 < path.size(); i++) {
            sb.append("\n  ")
                    .append(path.get(i))
                    .append(" -> ")
                    .append(path.get(i + 1))
                    .append("   (")
                    .append(graph.get(path.get(i)).get(path.get(i + 1)))
                    .append(')');
        }
        return sb.toString();
    }

    /** Tarjan's algorithm, iteration order fixed by the sorted maps so reports are stable. */
    private static List<List<String>> stronglyConnected(Map<String, Map<String, String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        var onStack = new java.util.HashSet<String>();
        List<List<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void strongConnect(
            String v,
            Map<String, Map<String, String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            java.util.Set<String> onStack,
            List<List<String>> result,
            int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, result, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            component.sort(null);
            result.add(component);
        }
    }

    private static void addDescriptor(Map<String, String> refs, String descriptor) {
        if (descriptor.startsWith("(")) {
            MethodTypeDesc type = MethodTypeDesc.ofDescriptor(descriptor);
            addClassDesc(refs, type.returnType());
            type.parameterList().forEach(p -> addClassDesc(refs, p));
        } else {
            addClassDesc(refs, ClassDesc.ofDescriptor(descriptor));
        }
    }

    private static void addClassDesc(Map<String, String> refs, ClassDesc desc) {
        while (desc.isArray()) {
            desc = desc.componentType();
        }
        if (desc.isClassOrInterface()) {
            String d = desc.descriptorString();
            refs.put(d.substring(1, d.length() - 1).replace('/', '.'), "");
        }
    }

    private static void addInternalName(Map<String, String> refs, String internalName) {
        if (internalName.startsWith("[")) {
            addDescriptor(refs, internalName);
        } else {
            refs.put(internalName.replace('/', '.'), "");
        }
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
