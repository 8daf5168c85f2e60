package io.squall.jit;

import io.squall.jit.compiler.JitCompiler;
import io.squall.suite.SuiteCase;

import java.util.ArrayList;
import java.util.List;

/** Compiles suite cases the way a launcher would: one ArgSpec per argument, from the case's inputs. */
final class SuiteSupport {
    private SuiteSupport() {}

    static List<ArgSpec> argSpecs(Object[] args, boolean specialize) {
        List<ArgSpec> specs = new ArrayList<>();
        for (Object a : args) {
            boolean scalar = a instanceof Number || a instanceof Boolean || a instanceof Character;
            specs.add(new ArgSpec(a.getClass(), specialize && scalar ? a : null));
        }
        return specs;
    }

    static Kernel compile(SuiteCase c, boolean specialize) {
        return compileWith(c, c.inputs().get(), specialize);
    }

    static Kernel compileWith(SuiteCase c, Object[] args, boolean specialize) {
        ResolvedTask t = TaskResolver.resolve(c.task());
        return JitCompiler.compile(t.method(), argSpecs(args, specialize), new CompileOptions(false, specialize));
    }
}
