package io.squall.jit;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/** Finds the static kernel method behind a serializable task (a {@code TornadoFunctions.TaskN} method reference). */
public final class TaskResolver {
    private TaskResolver() {}

    public static ResolvedTask resolve(Serializable task) {
        if (task == null) {
            throw new IllegalArgumentException("task is null");
        }
        SerializedLambda lambda = serializedForm(task);
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            throw new IllegalArgumentException(
                    "task " + lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName()
                            + " is not a static method: kernels must be static methods (use a method reference such as Kernels::saxpy)");
        }
        try {
            ClassLoader loader = task.getClass().getClassLoader();
            Class<?> owner = Class.forName(lambda.getImplClass().replace('/', '.'), false, loader);
            for (Method m : owner.getDeclaredMethods()) {
                if (m.getName().equals(lambda.getImplMethodName())
                        && descriptor(m).equals(lambda.getImplMethodSignature())) {
                    Object[] captured = new Object[lambda.getCapturedArgCount()];
                    for (int i = 0; i < captured.length; i++) {
                        captured[i] = lambda.getCapturedArg(i);
                    }
                    return new ResolvedTask(captured.length == 0 ? LambdaForwarding.target(m) : m, captured);
                }
            }
            throw new IllegalArgumentException("method " + lambda.getImplMethodName() + lambda.getImplMethodSignature()
                    + " not found in " + owner.getName());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "kernel class " + lambda.getImplClass() + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static SerializedLambda serializedForm(Serializable task) {
        try {
            Method writeReplace = task.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object replaced = writeReplace.invoke(task);
            if (replaced instanceof SerializedLambda sl) {
                return sl;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("task of " + task.getClass().getName()
                + " is not a lambda or method reference to a static method; pass e.g. Kernels::vectorAdd");
    }

    /** The JVM method descriptor of {@code m}. */
    static String descriptor(Method m) {
        return java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                .toMethodDescriptorString();
    }
}
