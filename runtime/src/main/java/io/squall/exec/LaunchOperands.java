package io.squall.exec;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.ComputeDevice;
import io.squall.jit.Kernel;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a launch binds: the task's arguments, then its kernel's operands (see {@link Kernel.Operand}): the fields of an
 * instance method's receiver as they are now, and the kernel's counters, held by the task as AtomicIntegers and set to
 * their initial values before each launch. On a device that runs the Java method, an instance method may read any of
 * its receiver's array fields: they follow the arguments, so they are made current on the host as arguments are.
 */
final class LaunchOperands {
    private LaunchOperands() {}

    static Object[] of(BoundTask task, Kernel kernel, ComputeDevice device, Residency residency) {
        if (!device.compilesKernels()) {
            return Modifier.isStatic(task.method.getModifiers()) ? task.args : withDataFields(task.args);
        }
        if (kernel == null) {
            return task.args;
        }
        return kernel.operandValues(task.args, counter -> {
            AtomicInteger c = task.counters.computeIfAbsent(counter, k -> new AtomicInteger());
            Long initial = counter.initialValue().evaluate(task.args);
            if (initial == null) {
                throw new TornadoRuntimeException(
                        "task " + task.name + ": the initial value of the AtomicInteger made at " + kernel.javaName()
                                + " line " + counter.line() + " cannot be computed from its arguments");
            }
            c.set(initial.intValue());
            ObjectState state = residency.find(c);
            if (state != null) {
                state.hostAuthoritative(); // copied in again with the new value
            }
            return c;
        });
    }

    /** The arguments followed by the data in the receiver's (argument 0's) fields. */
    private static Object[] withDataFields(Object[] args) {
        List<Object> all = new ArrayList<>(List.of(args));
        for (Class<?> c = args[0].getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(args[0]);
                    if (v != null && HostData.isData(PlanExecutor.dataOf(v))) {
                        all.add(v);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not readable from here: the method cannot have it current on the host either
                }
            }
        }
        return all.toArray();
    }
}
