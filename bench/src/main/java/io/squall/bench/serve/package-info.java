/** Load benchmark of the OpenAI-compatible server: concurrent clients, throughput and latency percentiles per --parallel. */
package io.squall.bench.serve;
