package io.squall.jit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Instance-method tasks ({@code task("t", obj::method, ...)}): the receiver is the task's argument 0, before the
 * method's parameters (as a method handle takes it), and the fields the kernel reads from it are bound at each launch.
 */
public final class ReceiverFields {
    private ReceiverFields() {}

    /** The task's argument types: the declaring class first for an instance method, then the parameters. */
    public static Class<?>[] argumentTypes(Method method) {
        Class<?>[] params = method.getParameterTypes();
        if (Modifier.isStatic(method.getModifiers())) {
            return params;
        }
        Class<?>[] all = new Class<?>[params.length + 1];
        all[0] = method.getDeclaringClass();
        System.arraycopy(params, 0, all, 1, params.length);
        return all;
    }

    /** The non-static field {@code name} declared by {@code cls} or a superclass, or null. */
    public static Field find(Class<?> cls, String name) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
                    return f;
                }
            }
        }
        return null;
    }

    /** The value of {@code field} in {@code receiver} now (what the kernel's parameter for it is bound to). */
    public static Object read(Field field, Object receiver, String kernel) {
        try {
            field.setAccessible(true);
            Object v = field.get(receiver);
            if (v == null) {
                throw new IllegalArgumentException("kernel " + kernel + " reads the field " + field.getName() + " of "
                        + receiver.getClass().getName() + ", which is null");
            }
            return v;
        } catch (IllegalAccessException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("kernel ")) {
                throw iae;
            }
            throw new IllegalArgumentException(
                    "kernel " + kernel + ": cannot read the field " + field + " of its receiver: " + e.getMessage(), e);
        }
    }
}
