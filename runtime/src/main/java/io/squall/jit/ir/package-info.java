/**
 * Squall's one typed SSA IR, shared by every backend (OpenCL C, PTX, SPIR-V).
 *
 * <p>A {@link io.squall.jit.ir.Function} has {@link io.squall.jit.ir.Parameter}s and an unstructured CFG of
 * {@link io.squall.jit.ir.Block}s (entry first). A block holds {@link io.squall.jit.ir.Phi}s, straight-line
 * {@link io.squall.jit.ir.Instruction}s (immutable records) and one {@link io.squall.jit.ir.Terminator}. Values are
 * {@link io.squall.jit.ir.Temp}s (defined once) or {@link io.squall.jit.ir.Constant}s.
 *
 * <p>Semantics a backend must keep (they are Java's):
 * <ul>
 *   <li>i8/i16/i32/i64 are signed two's complement; add/sub/mul/neg/shl wrap; shift counts are masked to the width
 *       (the shift amount may be i32 for an i64 value); i1 is a comparison result used by Branch and Select.</li>
 *   <li>Integer DIV/REM are Java's (MIN_VALUE / -1 == MIN_VALUE, MIN_VALUE % -1 == 0) except that a zero divisor
 *   gives 0
 *       instead of throwing; {@link io.squall.jit.passes.SafetyChecks} rewrites them first so that no backend ever
 *       executes a
 *       division by 0 or -1 (a trap on x86, SIGFPE in the JVM's process).</li>
 *   <li>Floats are IEEE; no contraction into fma unless the kernel is compiled with fastMath; REM is fmod.
 *       f16 values are binary16; backends without half arithmetic keep them widened in f32 and round with
 *       Convert to f16 (round to nearest even).</li>
 *   <li>Compare on floats: {@code unordered=false} gives false when an operand is NaN; {@code unordered=true} gives
 *   true.</li>
 *   <li>Convert NUMERIC float-to-integer rounds toward zero and saturates, NaN gives 0; integer narrowing wraps;
 *       widening sign-extends (ZERO_EXTEND is the unsigned variant); BITCAST keeps the bits.</li>
 *   <li>Load/Store index elements of the pointer's type (not bytes); pointers carry their address space.</li>
 *   <li>WorkItem queries are i32; Barrier is a work-group barrier (GLOBAL also fences global memory);
 *       AtomicRMW returns the previous value; float ADD/MIN/MAX may be a compare-and-swap loop.</li>
 *   <li>MathOp MIN/MAX on floats propagate NaN (Java), SIGNUM keeps NaN; the rest map to precise built-ins.</li>
 *   <li>Vectors ({@link io.squall.jit.ir.VectorType}, f32 lanes) are values only: Binary ADD/SUB/MUL/DIV and MathOp FMA
 *       apply lane-wise to operands of one vector type; VectorBroadcast, VectorLoad, VectorSum and VectorExtract make
 *       and take them apart. Backends without vector types get them expanded into lanes by
 *       {@link io.squall.jit.passes.VectorScalarization} (same results: VectorSum's order is fixed).</li>
 * </ul>
 * {@link io.squall.jit.ir.IrVerifier} checks the structural invariants after the passes. Uses nothing else of Squall.
 */
package io.squall.jit.ir;
