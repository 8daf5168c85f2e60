package io.squall.jit;

import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.jit.compiler.JitCompiler;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.Compare;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Convert;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.IrPrinter;
import io.squall.jit.ir.IrVerifier;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Value;
import io.squall.jit.passes.ConstantFolding;
import io.squall.jit.passes.DeadCodeElimination;
import io.squall.jit.passes.ScalarSpecialization;
import io.squall.suite.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unit tests of the IR passes on small hand-built functions and on a real kernel. */
class PassesTest {

    @Test
    void constantFoldingUsesJavaSemanticsAndFoldsBranches() {
        Function f = new Function("t");
        Temp out = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "out");
        Block entry = f.newBlock();
        Block yes = f.newBlock();
        Block no = f.newBlock();
        Temp overflow = f.newTemp(ScalarType.I32);
        entry.instructions()
                .add(new Binary(overflow, BinaryOperator.ADD, Constant.ofInt(Integer.MAX_VALUE), Constant.ofInt(1)));
        Temp shift = f.newTemp(ScalarType.I32);
        entry.instructions().add(new Binary(shift, BinaryOperator.SHL, Constant.ofInt(1), Constant.ofInt(33)));
        Temp f2i = f.newTemp(ScalarType.I32);
        entry.instructions().add(new Convert(f2i, ConversionKind.NUMERIC, Constant.ofFloat(Float.NaN)));
        Temp cmp = f.newTemp(ScalarType.I1);
        entry.instructions().add(new Compare(cmp, Predicate.LT, false, overflow, Constant.ofInt(0)));
        entry.setTerminator(new Terminator.Branch(cmp, yes, no));
        yes.instructions().add(new Store(out, Constant.ofInt(0), overflow));
        yes.instructions().add(new Store(out, Constant.ofInt(1), shift));
        yes.instructions().add(new Store(out, Constant.ofInt(2), f2i));
        yes.setTerminator(new Terminator.Return());
        no.setTerminator(new Terminator.Return());

        assertTrue(ConstantFolding.run(f));
        DeadCodeElimination.run(f);
        assertEquals(2, f.blocks().size(), f.toString());
        assertInstanceOf(Terminator.Jump.class, entry.terminator());
        List<Instruction> stores = yes.instructions();
        assertEquals(Constant.ofInt(Integer.MIN_VALUE), ((Store) stores.get(0)).value());
        assertEquals(Constant.ofInt(2), ((Store) stores.get(1)).value()); // 1 << (33 & 31)
        assertEquals(Constant.ofInt(0), ((Store) stores.get(2)).value()); // (int) NaN == 0
    }

    @Test
    void floatIdentitiesAreNotFolded() {
        Function f = new Function("t");
        Temp x = f.addParameter(ScalarType.F32, "x");
        Temp out = f.addParameter(new PointerType(ScalarType.F32, AddressSpace.GLOBAL), "out");
        Block entry = f.newBlock();
        Temp sum = f.newTemp(ScalarType.F32);
        entry.instructions().add(new Binary(sum, BinaryOperator.ADD, x, Constant.ofFloat(0f))); // -0.0 + 0.0 is +0.0
        entry.instructions().add(new Store(out, Constant.ofInt(0), sum));
        entry.setTerminator(new Terminator.Return());
        assertFalse(ConstantFolding.run(f));
        assertEquals(2, entry.instructions().size());
    }

    @Test
    void deadCodeEliminationKeepsEffectsAndRemovesUnusedValues() {
        Function f = new Function("t");
        Temp out = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "out");
        Block entry = f.newBlock();
        Block unreachable = f.newBlock();
        IrBuilder b = new IrBuilder(f);
        b.setBlock(entry);
        Value gid = b.workItem(WorkItemQuery.GLOBAL_ID, 0);
        b.binary(BinaryOperator.MUL, gid, gid); // unused
        b.load(out, gid); // unused load
        b.atomic(AtomicOperator.ADD, out, Constant.ofInt(0), Constant.ofInt(1)); // effect, result unused
        b.ret();
        unreachable.setTerminator(new Terminator.Return());
        assertTrue(DeadCodeElimination.run(f));
        assertEquals(1, f.blocks().size());
        assertEquals(1, entry.instructions().size(), f.toString());
        assertInstanceOf(AtomicRMW.class, entry.instructions().getFirst());
    }

    @Test
    void specializationFoldsScalarArgumentsButKeepsTheParameter() throws Exception {
        var m = Kernels.class.getMethod("polynomial", FloatArray.class, FloatArray.class, int.class, int.class);
        List<ArgSpec> plain = List.of(
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(int.class),
                ArgSpec.of(int.class));
        List<ArgSpec> special = List.of(
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                new ArgSpec(int.class, 5),
                new ArgSpec(int.class, 3));
        Kernel generic = JitCompiler.compile(m, plain, CompileOptions.defaults());
        Kernel folded = JitCompiler.compile(m, special, new CompileOptions(false, true));
        assertEquals(generic.params(), folded.params());
        Temp degree = folded.ir().parameters().get(4).value();
        Temp stride = folded.ir().parameters().get(5).value();
        for (Block b : folded.ir().blocks()) {
            for (Instruction i : b.instructions()) {
                assertFalse(
                        i.operands().contains(degree) || i.operands().contains(stride),
                        "still uses a specialized parameter: " + i);
            }
        }
        assertTrue(IrPrinter.print(generic.ir())
                .contains(generic.ir().parameters().get(5).value().toString()));
        ScalarSpecialization.run(generic, special);
        assertFalse(generic.ir().toString().isEmpty());
    }

    @Test
    void iterationSpaceComesFromTheArguments() throws Exception {
        var m = Kernels.class.getMethod(
                "matrixAdd", FloatArray.class, FloatArray.class, FloatArray.class, int.class, int.class);
        Kernel k = JitCompiler.compile(
                m,
                List.of(
                        ArgSpec.of(FloatArray.class),
                        ArgSpec.of(FloatArray.class),
                        ArgSpec.of(FloatArray.class),
                        ArgSpec.of(int.class),
                        ArgSpec.of(int.class)),
                CompileOptions.defaults());
        assertEquals(Kernel.Shape.PARALLEL_LOOPS, k.shape());
        assertEquals(2, k.dimensions());
        assertArrayEquals(new long[] {7, 9}, k.iterationSpace(new Object[] {null, null, null, 7, 9}));
        assertEquals(Kernel.Access.READ, k.access(0));
        assertEquals(Kernel.Access.WRITE, k.access(2));
        assertEquals(Kernel.Access.NONE, k.access(3));
    }

    @Test
    void verifierRejectsMalformedIr() {
        Function f = new Function("bad");
        Block entry = f.newBlock();
        Block join = f.newBlock();
        entry.setTerminator(new Terminator.Jump(join));
        Phi phi = new Phi(f.newTemp(ScalarType.I32));
        join.phis().add(phi); // no inputs for its one predecessor
        join.setTerminator(new Terminator.Return());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IrVerifier.verify(f));
        assertTrue(e.getMessage().contains("has 0 inputs for 1 predecessors"), e.getMessage());
        phi.addIncoming(entry, Constant.ofInt(1));
        IrVerifier.verify(f);
    }

    @Test
    void reductionResultIsReadAndWrittenWithAFixedGroupSize() throws Exception {
        var m = Kernels.class.getMethod("reduceSumFloat", FloatArray.class, FloatArray.class);
        Kernel k = JitCompiler.compile(
                m, List.of(ArgSpec.of(FloatArray.class), ArgSpec.of(FloatArray.class)), CompileOptions.defaults());
        assertEquals(Kernel.Access.READ, k.access(0));
        assertEquals(Kernel.Access.READ_WRITE, k.access(1)); // the initial result[0] takes part in the sum
        assertArrayEquals(new int[] {128}, k.requiredLocalSize());
        assertArrayEquals(new long[] {5000}, k.iterationSpace(new Object[] {new FloatArray(5000), new FloatArray(1)}));
        DeviceCapabilities small = new DeviceCapabilities(true, false, false, 64, "OpenCL C 1.2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenCLEmitter.emit(k, small));
        assertTrue(e.getMessage().contains("at most 64"), e.getMessage());
    }

    @Test
    void doublesNeedFp64() throws Exception {
        var m = Kernels.class.getMethod(
                "javaMathDouble",
                io.squall.api.types.arrays.DoubleArray.class,
                io.squall.api.types.arrays.DoubleArray.class);
        Kernel k = JitCompiler.compile(
                m,
                List.of(
                        ArgSpec.of(io.squall.api.types.arrays.DoubleArray.class),
                        ArgSpec.of(io.squall.api.types.arrays.DoubleArray.class)),
                CompileOptions.defaults());
        assertTrue(OpenCLEmitter.emit(k, DeviceCapabilities.generic())
                .contains("#pragma OPENCL EXTENSION cl_khr_fp64 : enable"));
        DeviceCapabilities noFp64 = new DeviceCapabilities(false, false, false, 256, "OpenCL C 1.2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenCLEmitter.emit(k, noFp64));
        assertTrue(e.getMessage().contains("cl_khr_fp64"), e.getMessage());
        Kernel floats = JitCompiler.compile(
                Kernels.class.getMethod("saxpy", float.class, FloatArray.class, FloatArray.class),
                List.of(ArgSpec.of(float.class), ArgSpec.of(FloatArray.class), ArgSpec.of(FloatArray.class)),
                new CompileOptions(true, false));
        String src = OpenCLEmitter.emit(floats, noFp64);
        assertFalse(src.contains("cl_khr_fp64"));
        assertFalse(src.contains("FP_CONTRACT OFF"), "fast math allows contraction");
        assertEquals("", OpenCLEmitter.buildOptions(CompileOptions.defaults()));
        assertTrue(OpenCLEmitter.buildOptions(new CompileOptions(true, false)).contains("-cl-fast-relaxed-math"));
    }
}
