/**
 * The end-to-end Llama benchmark ({@code scripts/bench}): the same GGUF on every device and split, a table and a PNG chart.
 */
package io.squall.bench.e2e;
