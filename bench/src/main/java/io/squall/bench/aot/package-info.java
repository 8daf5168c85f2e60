/** Fuzzing of the AOT kernel-binary path: mutated binaries loaded as a devices.json "binaries" entry would load them. */
package io.squall.bench.aot;
