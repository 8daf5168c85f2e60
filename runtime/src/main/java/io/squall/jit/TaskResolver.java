package io.squall.jit;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Finds the kernel method behind a serializable task (a {@code TornadoFunctions.TaskN} method reference): a static
 * method, or an instance method whose receiver comes first among the task's arguments (a bound reference
 * {@code obj::method} captures it; see {@link ReceiverFields}).
 */
public final class TaskResolver {
    private TaskResolver() {}

    public static ResolvedTask resolve(Serializable task) {
        if (task == null) {
            throw new IllegalArgumentException("task is null");
        }
        SerializedLambda lambda = serializedForm(task);
        int kind = lambda.getImplMethodKind();
        if (kind != MethodHandleInfo.REF_invokeStatic
                && kind != MethodHandleInfo.REF_invokeVirtual
                && kind != MethodHandleInfo.REF_invokeSpecial) {
            throw new IllegalArgumentException(
                    "task " + lambda.getImplClass().replace('/', '.') + "."
                            + lambda.getImplMethodName() + " is " + MethodHandleInfo.referenceKindToString(kind)
                            + ": kernels are static methods or methods of a class (use a method reference such as Kernels::saxpy or obj::compute)");
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
                    boolean forwarder = captured.length == 0 && kind == MethodHandleInfo.REF_invokeStatic;
                    return new ResolvedTask(forwarder ? LambdaForwarding.target(m) : m, captured);
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
