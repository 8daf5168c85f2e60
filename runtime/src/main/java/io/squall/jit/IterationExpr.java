package io.squall.jit;

import io.squall.api.types.arrays.TornadoNativeArray;

/** A loop bound as a function of the kernel's actual arguments (scalars, array lengths, arithmetic). */
public sealed interface IterationExpr {

    /** The value for these arguments, or null when it cannot be computed (e.g. a missing argument). */
    Long evaluate(Object[] args);

    /** A bound that depends on something other than the arguments (a loaded value, a call result). */
    record Unknown() implements IterationExpr {
        public Long evaluate(Object[] args) {
            return null;
        }

        public String toString() {
            return "unknown";
        }
    }

    record Const(long value) implements IterationExpr {
        public Long evaluate(Object[] args) {
            return value;
        }

        public String toString() {
            return Long.toString(value);
        }
    }

    /** The scalar argument {@code javaArgIndex}. */
    record Arg(int javaArgIndex) implements IterationExpr {
        public Long evaluate(Object[] args) {
            if (args == null || javaArgIndex >= args.length) {
                return null;
            }
            return args[javaArgIndex] instanceof Number n ? Long.valueOf(n.longValue()) : null;
        }

        public String toString() {
            return "arg" + javaArgIndex;
        }
    }

    /** The element count of array argument {@code javaArgIndex}. */
    record Length(int javaArgIndex) implements IterationExpr {
        public Long evaluate(Object[] args) {
            if (args == null || javaArgIndex >= args.length) {
                return null;
            }
            Object a = args[javaArgIndex];
            if (a instanceof io.squall.api.types.arrays.ArrayBacked backed) {
                a = backed.getStorage();
            }
            if (a instanceof TornadoNativeArray n) {
                return (long) n.getSize();
            }
            return a != null && a.getClass().isArray() ? Long.valueOf(java.lang.reflect.Array.getLength(a)) : null;
        }

        public String toString() {
            return "length(arg" + javaArgIndex + ")";
        }
    }

    /** The int field {@code name} of matrix or vector argument {@code javaArgIndex} (its rows, columns, ...). */
    record Field(int javaArgIndex, String name) implements IterationExpr {
        public Long evaluate(Object[] args) {
            if (args == null || javaArgIndex >= args.length || args[javaArgIndex] == null) {
                return null;
            }
            try {
                return (long) read(args[javaArgIndex], name);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        public String toString() {
            return "arg" + javaArgIndex + "." + name;
        }

        /** The int field {@code name} of {@code arg}, declared in its class or a superclass (the value a FIELD parameter passes). */
        public static int read(Object arg, String name) {
            for (Class<?> c = arg.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    java.lang.reflect.Field f = c.getDeclaredField(name);
                    f.setAccessible(true);
                    return f.getInt(arg);
                } catch (NoSuchFieldException e) {
                    // declared higher up
                } catch (IllegalAccessException e) {
                    throw new IllegalArgumentException("cannot read " + c.getName() + "." + name, e);
                }
            }
            throw new IllegalArgumentException(arg.getClass().getName() + " has no int field " + name);
        }
    }

    enum Op {
        ADD,
        SUB,
        MUL,
        DIV,
        SHL,
        SHR
    }

    /** 32-bit int arithmetic, as the kernel computes it. */
    record Binary(Op op, IterationExpr left, IterationExpr right) implements IterationExpr {
        public Long evaluate(Object[] args) {
            Long a = left.evaluate(args);
            Long b = right.evaluate(args);
            if (a == null || b == null) {
                return null;
            }
            int x = a.intValue();
            int y = b.intValue();
            return (long)
                    switch (op) {
                        case ADD -> x + y;
                        case SUB -> x - y;
                        case MUL -> x * y;
                        case DIV -> y == 0 ? 0 : x / y;
                        case SHL -> x << y;
                        case SHR -> x >> y;
                    };
        }

        public String toString() {
            return "(" + left + " " + op.name().toLowerCase() + " " + right + ")";
        }
    }
}
