package io.squall.exec;

import io.squall.backend.CodeEmitter;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.plan.RuntimeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code -Dsquall.emit}: writes each task's kernel, as the emitter's code, to {@code -Dsquall.emit.dir} once per JVM
 * (a failed write is retried by the next plan).
 */
final class CodeEmission {
    /** "emitter:graph.task" of the files written by this JVM. */
    private static final Set<String> EMITTED = Collections.synchronizedSet(new LinkedHashSet<>());

    private final CodeEmitter emitter;

    CodeEmission(CodeEmitter emitter) {
        this.emitter = emitter;
    }

    String emitterName() {
        return emitter.name();
    }

    void emit(String task, Kernel kernel, CompileOptions options) {
        String id = emitter.name() + ":" + task;
        if (!EMITTED.add(id)) {
            return;
        }
        Path dir = RuntimeOptions.emitDir();
        Path file = dir.resolve(task + "." + emitter.fileExtension());
        try {
            Files.createDirectories(dir);
            Files.write(file, emitter.emit(kernel, options, RuntimeOptions.emitTarget()));
        } catch (IOException e) {
            EMITTED.remove(id);
            throw new UncheckedIOException(
                    "cannot write the " + emitter.name() + " code of task " + task + " to " + file, e);
        } catch (RuntimeException e) {
            EMITTED.remove(id);
            throw e;
        }
    }
}
