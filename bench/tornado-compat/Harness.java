import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.Ignore;
import org.junit.Test;
import org.junit.runner.JUnitCore;
import org.junit.runner.Request;
import org.junit.runner.Result;
import org.junit.runner.notification.Failure;

/**
 * Compiles TornadoVM's unit tests (after the import rewrite) and runs them method by method.
 *
 * <pre>
 *   compile SRC_DIR CLASS_DIR CLASSPATH OUT   compiles what compiles; files that do not are dropped round by round
 *                                             (a file using a dropped file is dropped next), OUT lists "COMPILE file reason"
 *   run CLASS_DIR SRC_DIR RESULTS             runs every @Test method not yet in RESULTS, appending one line per method;
 *                                             exits 3 after a timeout so the script restarts the JVM
 * </pre>
 * Result lines: {@code STATUS<TAB>class#method<TAB>reason}, STATUS one of PASS FAIL UNSUPPORTED IGNORED COMPILE TIMEOUT CRASH.
 */
public final class Harness {
    private static final long TIMEOUT_S = Long.getLong("harness.timeout", 60);

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "compile" -> compile(Path.of(args[1]), Path.of(args[2]), args[3], Path.of(args[4]));
            case "run" -> System.exit(run(Path.of(args[1]), Path.of(args[2]), Path.of(args[3])));
            default -> throw new IllegalArgumentException("usage: compile|run ...");
        }
    }

    private static void compile(Path src, Path classes, String classpath, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(src)) {
            files = new ArrayList<>(walk.filter(p -> p.toString().endsWith(".java")).sorted().toList());
        }
        Map<Path, String> dropped = new LinkedHashMap<>();
        while (!files.isEmpty()) {
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
                List<String> options = List.of("-d", classes.toString(), "-cp", classpath, "-proc:none", "-nowarn", "-encoding", "UTF-8");
                boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
                if (ok) {
                    break;
                }
                Set<Path> bad = new HashSet<>();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR && d.getSource() != null) {
                        Path p = Path.of(d.getSource().toUri());
                        if (bad.add(p)) {
                            dropped.put(p, String.join(" ", d.getMessage(Locale.ROOT).lines().map(String::trim).toList()) + " (line " + d.getLineNumber() + ")");
                        }
                    }
                }
                if (bad.isEmpty()) {
                    throw new IllegalStateException("javac failed without a file to blame: " + diagnostics.getDiagnostics());
                }
                files.removeAll(bad);
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (var e : dropped.entrySet()) {
                String cls = className(src, e.getKey());
                for (String m : testMethodsInSource(e.getKey())) {
                    w.println("COMPILE\t" + cls + "#" + m + "\t" + e.getValue());
                }
            }
        }
    }

    private static String className(Path src, Path file) {
        String rel = src.relativize(file).toString();
        return rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
    }

    private static final Pattern TEST_METHOD = Pattern.compile("@Test\\b[^;{]*?\\bvoid\\s+(\\w+)\\s*\\(", Pattern.DOTALL);

    private static List<String> testMethodsInSource(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        Matcher m = TEST_METHOD.matcher(Files.readString(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static int run(Path classes, Path src, Path results) throws Exception {
        Set<String> done = new HashSet<>();
        String started = null;
        if (Files.exists(results)) {
            for (String line : Files.readAllLines(results)) {
                String[] f = line.split("\t", 3);
                if (f[0].equals("START")) {
                    started = f[1];
                } else {
                    done.add(f[1]);
                }
            }
        }
        ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, Harness.class.getClassLoader());
        List<String> classNames;
        try (Stream<Path> walk = Files.walk(src)) {
            classNames = walk.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> className(src, p))
                    .filter(c -> Files.exists(classes.resolve(c.replace('.', '/') + ".class"))).toList();
        }
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test");
            t.setDaemon(true);
            return t;
        });
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(results, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true)) {
            if (started != null && !done.contains(started)) {
                w.println("CRASH\t" + started + "\tthe JVM died while it ran");
                done.add(started);
            }
            for (String cn : classNames) {
                Class<?> cls = Class.forName(cn, false, loader);
                if (Modifier.isAbstract(cls.getModifiers())) {
                    continue;
                }
                for (Method method : cls.getMethods()) {
                    if (!method.isAnnotationPresent(Test.class)) {
                        continue;
                    }
                    String id = cn + "#" + method.getName();
                    if (!done.add(id)) {
                        continue;
                    }
                    if (method.isAnnotationPresent(Ignore.class) || cls.isAnnotationPresent(Ignore.class)) {
                        w.println("IGNORED\t" + id + "\t@Ignore");
                        continue;
                    }
                    w.println("START\t" + id);
                    Future<Result> future = pool.submit(() -> new JUnitCore().run(Request.method(cls, method.getName())));
                    Result result;
                    try {
                        result = future.get(TIMEOUT_S, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        w.println("TIMEOUT\t" + id + "\tno result after " + TIMEOUT_S + " s");
                        return 3;
                    }
                    w.println(status(result) + "\t" + id + "\t" + reason(result));
                }
            }
        }
        return 0;
    }

    private static String status(Result r) {
        if (r.getFailureCount() == 0) {
            return r.getAssumptionFailureCount() > 0 ? "UNSUPPORTED" : "PASS";
        }
        Throwable t = r.getFailures().get(0).getException();
        String name = t.getClass().getSimpleName();
        return name.matches("TornadoVM\\w*NotSupported|TornadoNotSupported|SPIRVOptNotSupported") ? "UNSUPPORTED" : "FAIL";
    }

    private static String reason(Result r) {
        if (r.getFailureCount() == 0) {
            return "";
        }
        Failure f = r.getFailures().get(0);
        Throwable t = f.getException();
        String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        return t.getClass().getName() + ": " + msg;
    }
}
