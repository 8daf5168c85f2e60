/**
 * CPU matrix-vector benchmark ({@code scripts/bench-matvec}): GB/s per tensor type against the measured read bandwidth.
 */
package io.squall.bench.cpu;
