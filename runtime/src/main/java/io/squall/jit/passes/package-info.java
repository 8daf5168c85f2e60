/**
 * IR passes: safety checks (total integer division, guarded or reported array accesses), scalar specialization,
 * constant
 * folding (Java semantics), dead-code elimination, CFG simplification; and the barrier-divergence check. Uses
 * {@code jit} and {@code jit.ir}.
 */
package io.squall.jit.passes;
