/**
 * The generation loop over an {@link io.squall.model.llama.InferenceEngine}: prompt prefill, sampling, streaming,
 * stop conditions, chat sessions that reuse the cached prefix, log-probabilities. The documented entry point that the
 * server and the LangChain4j integration use.
 */
package io.squall.model.generate;
