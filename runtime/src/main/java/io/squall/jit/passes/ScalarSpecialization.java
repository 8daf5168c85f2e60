package io.squall.jit.passes;

import io.squall.jit.ArgSpec;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the values of scalar arguments into the body (loop bounds, tile sizes become constants).
 * The parameter itself stays, so the launcher binds the same arguments either way.
 */
public final class ScalarSpecialization {
    private ScalarSpecialization() {}

    public static boolean run(Kernel kernel, List<ArgSpec> args) {
        Map<Temp, Value> replace = new HashMap<>();
        for (int i = 0; i < kernel.params().size(); i++) {
            KernelParam p = kernel.params().get(i);
            if (p.kind() != KernelParam.Kind.SCALAR || p.javaArgIndex() >= args.size()) {
                continue;
            }
            Object v = args.get(p.javaArgIndex()).specializedValue();
            if (v != null) {
                replace.put(kernel.ir().parameters().get(i).value(), constantOf((ScalarType) p.type(), v));
            }
        }
        kernel.ir().replaceUses(replace);
        return !replace.isEmpty();
    }

    /** The constant of scalar type {@code type} for a boxed argument value. */
    public static Constant constantOf(ScalarType type, Object v) {
        if (v instanceof Boolean b) {
            return Constant.ofInteger(type, b ? 1 : 0);
        }
        if (v instanceof Character c) {
            return Constant.ofInteger(type, c);
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("specialized value " + v + " is not a number");
        }
        return type.isFloat() ? Constant.ofFloating(type, n.doubleValue()) : Constant.ofInteger(type, n.longValue());
    }
}
