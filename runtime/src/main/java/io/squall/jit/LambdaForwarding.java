package io.squall.jit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A lambda {@code (a, b) -> Kernels.k(a, b)} compiles to a synthetic method that only forwards its arguments.
 * Resolving it to {@code Kernels.k} keeps the kernel's own @Parallel loops (annotations of inlined callees are
 * not parallelized) and gives errors and entry names that mention the user's method.
 */
final class LambdaForwarding {
    private LambdaForwarding() {}

    static Method target(Method m) {
        if (!m.isSynthetic()) {
            return m;
        }
        try (InputStream in = resource(m.getDeclaringClass())) {
            if (in == null) {
                return m;
            }
            ClassModel cls = ClassFile.of().parse(in.readAllBytes());
            String descriptor = TaskResolver.descriptor(m);
            for (MethodModel mm : cls.methods()) {
                if (mm.methodName().equalsString(m.getName())
                        && mm.methodType().equalsString(descriptor)
                        && mm.code().isPresent()) {
                    return forwarded(m, mm.code().get().elementList(), descriptor);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a plain forwarder: keep the lambda method itself
        }
        return m;
    }

    private static InputStream resource(Class<?> c) {
        String name = c.getName().replace('.', '/') + ".class";
        return c.getClassLoader() != null
                ? c.getClassLoader().getResourceAsStream(name)
                : ClassLoader.getSystemResourceAsStream(name);
    }

    private static Method forwarded(Method lambda, List<CodeElement> code, String descriptor) throws IOException {
        List<Instruction> ins = new ArrayList<>();
        for (CodeElement e : code) {
            if (e instanceof Instruction i) {
                ins.add(i);
            }
        }
        int params = lambda.getParameterCount();
        if (ins.size() != params + 2
                || !(ins.get(params) instanceof InvokeInstruction call)
                || call.opcode() != Opcode.INVOKESTATIC
                || !call.typeSymbol().descriptorString().equals(descriptor)
                || !(ins.get(params + 1) instanceof ReturnInstruction)) {
            return lambda;
        }
        int slot = 0;
        for (int i = 0; i < params; i++) {
            if (!(ins.get(i) instanceof LoadInstruction load) || load.slot() != slot) {
                return lambda;
            }
            Class<?> t = lambda.getParameterTypes()[i];
            slot += t == long.class || t == double.class ? 2 : 1;
        }
        try {
            Class<?> owner = Class.forName(
                    call.owner().asInternalName().replace('/', '.'),
                    false,
                    lambda.getDeclaringClass().getClassLoader());
            Method target = owner.getDeclaredMethod(call.name().stringValue(), lambda.getParameterTypes());
            return java.lang.reflect.Modifier.isStatic(target.getModifiers()) ? target : lambda;
        } catch (ReflectiveOperationException e) {
            return lambda;
        }
    }
}
