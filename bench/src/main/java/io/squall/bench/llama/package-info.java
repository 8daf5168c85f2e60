/**
 * The CPU engine against llama.cpp on synthetic models ({@code scripts/bench-cpu}).
 */
package io.squall.bench.llama;
