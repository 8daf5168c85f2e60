/**
 * Runtime benchmarks ({@code scripts/bench-runtime}): saxpy and matrix products per device, JIT and build times.
 */
package io.squall.bench.runtime;
