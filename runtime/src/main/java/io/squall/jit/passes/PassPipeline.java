package io.squall.jit.passes;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.ir.IrVerifier;

import java.util.List;

/** The standard optimization sequence run on every compiled kernel. */
public final class PassPipeline {
    private PassPipeline() {}

    public static void run(Kernel kernel, List<ArgSpec> args, CompileOptions options) {
        SafetyChecks.run(
                kernel, options.accessChecks()); // first: it names source lines, which rebuilt instructions lose
        if (options.specializeScalars()) {
            ScalarSpecialization.run(kernel, args);
        }
        boolean changed = true;
        for (int round = 0; changed && round < 10; round++) {
            changed = ConstantFolding.run(kernel.ir());
            changed |= DeadCodeElimination.run(kernel.ir());
            changed |= CfgSimplification.run(kernel.ir());
        }
        IrVerifier.verify(kernel.ir());
        BarrierDivergence.check(kernel);
    }
}
