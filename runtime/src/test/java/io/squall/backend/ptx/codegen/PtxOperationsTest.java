package io.squall.backend.ptx.codegen;

import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.BarrierScope;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.SubGroupOp;
import io.squall.jit.ir.Instruction.SubGroupOperation;
import io.squall.jit.ir.Instruction.UnaryOp;
import io.squall.jit.ir.Instruction.WorkItemQuery;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.IrVerifier;
import io.squall.jit.ir.MathFunction;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Value;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IR operations the kernel suite does not reach (every math function on f32 and f64, sub-group operations, every
 * atomic on every type and space, narrow integer arithmetic, every conversion) emitted as PTX and assembled.
 */
class PtxOperationsTest {
    private static final ScalarType[] NUMERIC = {
        ScalarType.I8, ScalarType.I16, ScalarType.I32, ScalarType.I64, ScalarType.F16, ScalarType.F32, ScalarType.F64
    };

    private static Kernel kernel(Function f, boolean fastMath) {
        return new Kernel(
                "PtxOperationsTest." + f.name(),
                f.name(),
                Kernel.Shape.KERNEL_CONTEXT,
                List.of(),
                List.of(),
                List.of(),
                null,
                f,
                new CompileOptions(fastMath, false));
    }

    /** A function with one global array parameter per scalar type and an int index parameter. */
    private static Function everything() {
        Function f = new Function("ops");
        IrBuilder b = new IrBuilder(f);
        Value[] arrays = new Value[NUMERIC.length];
        for (int i = 0; i < NUMERIC.length; i++) {
            arrays[i] = f.addParameter(new PointerType(NUMERIC[i], AddressSpace.GLOBAL), "a" + i);
        }
        Value n = f.addParameter(ScalarType.I32, "n");
        Block entry = b.newBlock();
        b.setBlock(entry);
        Value gid = b.workItem(WorkItemQuery.GLOBAL_ID, 0);
        Value[] x = new Value[NUMERIC.length];
        for (int i = 0; i < NUMERIC.length; i++) {
            x[i] = b.load(arrays[i], gid);
        }
        // every conversion between numeric types, stored back
        for (int i = 0; i < NUMERIC.length; i++) {
            for (int j = 0; j < NUMERIC.length; j++) {
                if (i != j) {
                    b.store(arrays[j], n, b.convert(ConversionKind.NUMERIC, x[i], NUMERIC[j]));
                }
            }
        }
        b.store(arrays[2], n, b.convert(ConversionKind.ZERO_EXTEND, x[0], ScalarType.I32));
        b.store(arrays[3], n, b.convert(ConversionKind.ZERO_EXTEND, x[2], ScalarType.I64));
        b.store(arrays[5], n, b.convert(ConversionKind.BITCAST, x[2], ScalarType.F32));
        b.store(arrays[3], n, b.convert(ConversionKind.BITCAST, x[6], ScalarType.I64));
        b.store(arrays[4], n, b.convert(ConversionKind.BITCAST, x[1], ScalarType.F16));
        // arithmetic on every type
        for (int i = 0; i < NUMERIC.length; i++) {
            ScalarType t = NUMERIC[i];
            for (BinaryOperator op : BinaryOperator.values()) {
                boolean bitwise = op == BinaryOperator.AND
                        || op == BinaryOperator.OR
                        || op == BinaryOperator.XOR
                        || op == BinaryOperator.SHL
                        || op == BinaryOperator.SHR
                        || op == BinaryOperator.USHR;
                if (t.isFloat() && bitwise) {
                    continue;
                }
                Value right =
                        op == BinaryOperator.SHL || op == BinaryOperator.SHR || op == BinaryOperator.USHR ? gid : x[i];
                b.store(arrays[i], n, b.binary(op, x[i], right));
            }
            b.store(arrays[i], n, b.unary(UnaryOp.NEG, x[i]));
            if (t.isInteger()) {
                b.store(arrays[i], n, b.unary(UnaryOp.NOT, x[i]));
            }
            Value lt = b.compare(Predicate.LT, true, x[i], x[i]);
            Value ge = b.compare(Predicate.GE, false, x[i], Constant.zero(t));
            Value both = b.select(lt, ge, b.compare(Predicate.NE, false, lt, ge));
            b.store(arrays[i], n, b.select(both, x[i], Constant.zero(t)));
        }
        // every math function on f32 and f64 (and min/max/abs/clamp on integers)
        for (int i : new int[] {5, 6}) {
            for (MathFunction fn : MathFunction.values()) {
                List<Value> args = switch (fn.arity()) {
                    case 1 -> List.of(x[i]);
                    case 2 -> List.of(x[i], b.load(arrays[i], n));
                    default -> List.of(x[i], b.load(arrays[i], n), x[i]);
                };
                b.store(arrays[i], gid, b.math(fn, args));
            }
        }
        for (int i : new int[] {2, 3}) {
            for (MathFunction fn : List.of(MathFunction.MIN, MathFunction.MAX, MathFunction.ABS, MathFunction.CLAMP)) {
                List<Value> args = switch (fn.arity()) {
                    case 1 -> List.of(x[i]);
                    case 2 -> List.of(x[i], b.load(arrays[i], n));
                    default -> List.of(x[i], b.load(arrays[i], n), x[i]);
                };
                b.store(arrays[i], gid, b.math(fn, args));
            }
        }
        // atomics on global and shared memory
        for (int i : new int[] {2, 3, 5, 6}) {
            Value local = b.localArray(NUMERIC[i], 64);
            for (AtomicOperator op : AtomicOperator.values()) {
                b.store(arrays[i], gid, b.atomic(op, arrays[i], n, x[i]));
                b.store(arrays[i], gid, b.atomic(op, local, gid, x[i]));
            }
            b.barrier(BarrierScope.GLOBAL);
        }
        // sub-group (warp) operations
        for (int i : new int[] {2, 3, 5, 6}) {
            for (SubGroupOperation op : SubGroupOperation.values()) {
                List<Value> args = switch (op) {
                    case LOCAL_ID, SIZE -> List.of();
                    case REDUCE_ADD, REDUCE_MIN, REDUCE_MAX -> List.of(x[i]);
                    default -> List.of(x[i], gid);
                };
                ScalarType rt = args.isEmpty() ? ScalarType.I32 : NUMERIC[i];
                Temp r = f.newTemp(rt);
                b.block().instructions().add(new SubGroupOp(r, op, args));
                b.store(args.isEmpty() ? arrays[2] : arrays[i], gid, r);
            }
        }
        b.ret();
        IrVerifier.verify(f);
        return f;
    }

    @Test
    void everyOperationAssembles() throws Exception {
        Assumptions.assumeTrue(
                Ptxas.available(), "ptxas not found on PATH or in /usr/local/cuda*/bin: PTX not assembled");
        Function f = everything();
        for (boolean fast : new boolean[] {false, true}) {
            for (String arch : new String[] {"sm_80", "sm_90"}) {
                String ptx = PtxEmitter.emit(kernel(f, fast), PtxTarget.parse(arch));
                String error = Ptxas.assemble(ptx, arch);
                assertNull(error, () -> error + "\n" + Ptxas.numbered(ptx));
            }
        }
    }

    @Test
    void preciseMathUsesNoApproximations() {
        String ptx = PtxEmitter.emit(kernel(everything(), false), PtxTarget.parse("sm_90"));
        assertFalse(ptx.contains(".approx"), "precise math must not use *.approx instructions");
        for (String fn : List.of(
                "exp", "log", "sin", "cos", "tan", "tanh", "pow", "atan", "atan2", "log2", "fmod_f32", "fmod_f64")) {
            assertTrue(
                    ptx.contains(".func (.param .b") && ptx.contains("squall_" + fn + "("),
                    "software " + fn + " defined");
        }
        assertTrue(ptx.contains("shfl.sync.bfly.b32") && ptx.contains("shfl.sync.idx.b32"), "warp shuffles");
        assertTrue(ptx.contains("atom.shared.cas.b32") && ptx.contains("atom.global.add.f64"), "atomics");
        String fast = PtxEmitter.emit(kernel(everything(), true), PtxTarget.parse("sm_90"));
        assertTrue(
                fast.contains("ex2.approx.f32") && fast.contains("sin.approx.f32") && fast.contains("tanh.approx.f32"),
                "fast math on floats");
    }

    @Test
    void targetsPickAnIsaVersionTheArchitectureNeeds() {
        assertEquals("7.0", PtxTarget.parse("sm_80").isaVersion());
        assertEquals("7.0", PtxTarget.parse("sm_75").isaVersion());
        assertEquals("7.1", PtxTarget.parse("sm_86").isaVersion());
        assertEquals("7.8", PtxTarget.parse("sm_90").isaVersion());
        assertEquals("sm_90a", PtxTarget.parse("sm_90a").sm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtxTarget.parse("compute_90"));
        assertTrue(e.getMessage().contains("compute_90"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PtxTarget.parse("sm_61"));
    }
}
