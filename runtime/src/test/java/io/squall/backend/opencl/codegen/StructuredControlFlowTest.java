package io.squall.backend.opencl.codegen;

import io.squall.backend.opencl.driver.CLBuffer;
import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLKernel;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.jit.compiler.JitCompiler;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;
import io.squall.suite.KernelSuite;
import io.squall.suite.SuiteCase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emitter's control flow: javac's (reducible) CFGs come out as one {@code for (;;)} per natural loop and, for the
 * suite, without goto (their behaviour on PoCL is checked by the kernel suite tests); an irreducible CFG falls back to
 * goto and still computes the right result on an OpenCL device.
 */
class StructuredControlFlowTest {
    static List<SuiteCase> cases() {
        return KernelSuite.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void suiteKernelsAreStructured(SuiteCase c) {
        ResolvedTask t = TaskResolver.resolve(c.task());
        List<ArgSpec> specs = new ArrayList<>();
        for (Object a : c.inputs().get()) {
            specs.add(ArgSpec.of(a.getClass()));
        }
        Kernel k = JitCompiler.compile(t.method(), specs, CompileOptions.defaults());
        ControlFlow cfg = new ControlFlow(k.ir());
        assertTrue(cfg.reducible(), c.name() + ": javac's control flow is reducible\n" + k.ir());
        long headers = cfg.reversePostorder().stream().filter(cfg::isLoopHeader).count();
        String src = OpenCLEmitter.emit(k, DeviceCapabilities.generic());
        assertEquals(headers, count(src, "for (;;) {"), c.name() + ": one C loop per natural loop\n" + src);
        assertFalse(src.contains("goto"), c.name() + ": no goto needed\n" + src);
    }

    @Test
    void irreducibleLoopFallsBackToGotoAndRuns() {
        Kernel k = irreducible();
        ControlFlow cfg = new ControlFlow(k.ir());
        assertFalse(cfg.reducible());
        String src = OpenCLEmitter.emit(k, DeviceCapabilities.generic());
        assertTrue(src.contains("goto b1;") && src.contains("goto b2;"), src);
        Assumptions.assumeTrue(
                OpenCL.isAvailable() && !OpenCL.devices().isEmpty(), "no OpenCL device: " + OpenCL.unavailableReason());
        try (CLContext context = CLContext.create(OpenCL.devices().getFirst());
                CLCommandQueue queue = context.createQueue(false);
                CLProgram program = context.buildSource(src, "");
                CLKernel kernel = program.kernel(k.entryName());
                Arena arena = Arena.ofConfined()) {
            CLBuffer out = context.allocate(4);
            MemorySegment host = arena.allocate(4);
            for (int n : new int[] {3, 6, 10, 11, 2000}) {
                kernel.setArg(0, out);
                kernel.setArg(1, 1);
                kernel.setArg(2, n);
                queue.launch(kernel, new long[] {1}, null);
                queue.read(out, 0, host, 4, true);
                assertEquals(reference(n), host.get(ValueLayout.JAVA_INT, 0), "n = " + n + "\n" + src);
            }
        }
    }

    /** What {@link #irreducible()} computes: two blocks jumping into each other, entered at either. */
    private static int reference(int n) {
        boolean inA = n > 5;
        int v = inA ? 0 : 1000;
        while (true) {
            v += inA ? 1 : 2;
            if (v >= n) {
                return v;
            }
            inA = !inA;
        }
    }

    /**
     * out[0] = the exit value of a loop with two entries: entry branches to A (a = 0) or B (b = 1000); A adds 1 and goes
     * to B, B adds 2 and goes to A, either leaves when the value reaches n.
     */
    private static Kernel irreducible() {
        Function f = new Function("irreducible");
        Temp out = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "arg0");
        f.addParameter(ScalarType.I32, "arg0_length");
        Temp n = f.addParameter(ScalarType.I32, "arg1");
        IrBuilder ir = new IrBuilder(f);
        Block entry = ir.newBlock();
        Block a = ir.newBlock();
        Block b = ir.newBlock();
        Block exit = ir.newBlock();
        ir.setBlock(entry);
        ir.branch(ir.compare(Predicate.GT, false, n, Constant.ofInt(5)), a, b);
        Phi pa = new Phi(f.newTemp(ScalarType.I32));
        Phi pb = new Phi(f.newTemp(ScalarType.I32));
        Phi px = new Phi(f.newTemp(ScalarType.I32));
        a.phis().add(pa);
        b.phis().add(pb);
        exit.phis().add(px);
        ir.setBlock(a);
        Value a2 = ir.binary(BinaryOperator.ADD, pa.result(), Constant.ofInt(1));
        ir.branch(ir.compare(Predicate.LT, false, a2, n), b, exit);
        ir.setBlock(b);
        Value b2 = ir.binary(BinaryOperator.ADD, pb.result(), Constant.ofInt(2));
        ir.branch(ir.compare(Predicate.LT, false, b2, n), a, exit);
        ir.setBlock(exit);
        ir.store(out, Constant.ofInt(0), px.result());
        ir.ret();
        pa.addIncoming(entry, Constant.ofInt(0));
        pa.addIncoming(b, b2);
        pb.addIncoming(entry, Constant.ofInt(1000));
        pb.addIncoming(a, a2);
        px.addIncoming(a, a2);
        px.addIncoming(b, b2);
        List<KernelParam> params = List.of(
                new KernelParam(KernelParam.Kind.BUFFER, 0, out.type()),
                new KernelParam(KernelParam.Kind.LENGTH, 0, ScalarType.I32),
                new KernelParam(KernelParam.Kind.SCALAR, 1, ScalarType.I32));
        return new Kernel(
                "StructuredControlFlowTest.irreducible",
                "irreducible",
                Kernel.Shape.SINGLE_THREAD,
                List.of(),
                params,
                List.of(Kernel.Access.WRITE, Kernel.Access.NONE),
                null,
                f,
                CompileOptions.defaults());
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
