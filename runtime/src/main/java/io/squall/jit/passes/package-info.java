/** IR passes: scalar specialization, constant folding (Java semantics), dead-code elimination, CFG simplification. */
package io.squall.jit.passes;
