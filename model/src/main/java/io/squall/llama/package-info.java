/**
 * Squall's inference API: the one entry point for running a Llama model from Java, used by the {@code llama}
 * command line, the OpenAI-compatible server and the LangChain4j integration alike.
 * <p>
 * {@link io.squall.llama.Llama#load} opens a GGUF file ({@link io.squall.llama.Llama.Options}: device or devices.json,
 * context size, threads, parallel sequences); {@link io.squall.llama.GenerationRequest} describes one generation
 * (a prompt or chat messages, {@link io.squall.llama.Sampling}, stop strings, logprobs, a token budget);
 * {@link io.squall.llama.Llama#generate} runs it, streaming text to a {@link io.squall.llama.TextListener} that can
 * cancel; {@link io.squall.llama.Llama#submit} runs it asynchronously; {@link io.squall.llama.Conversation} keeps a
 * multi-turn chat. One loaded model serves several sequences at once: the weights are shared, each sequence has
 * its own key/value cache, and on the CPU engine the sequences decode together in one batched step.
 */
package io.squall.llama;
