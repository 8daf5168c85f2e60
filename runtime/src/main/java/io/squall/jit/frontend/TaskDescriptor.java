package io.squall.jit.frontend;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/** The JVM descriptor of a method, to find it in its class file. */
final class TaskDescriptor {
    private TaskDescriptor() {}

    static String of(Method m) {
        return MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }
}
