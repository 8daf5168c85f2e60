/**
 * Fuzzing beyond the unit tests' bounded runs: {@link io.squall.bench.fuzz.GGUFFuzz} sends GGUF mutants through
 * everything a user's file reaches (load, {@code llama info}, model construction, one forward step) and counts the
 * outcomes. Launched by {@code scripts/fuzz-gguf}.
 */
package io.squall.bench.fuzz;
