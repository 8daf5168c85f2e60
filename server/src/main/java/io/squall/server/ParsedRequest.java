package io.squall.server;

import io.squall.llama.GenerationRequest;

/**
 * A validated request: the generation to run and how to answer.
 *
 * @param generation   what to generate
 * @param stream       answer with server-sent events
 * @param includeUsage send a usage chunk at the end of a stream ({@code stream_options.include_usage})
 * @param logprobs     whether logprobs were asked for
 */
record ParsedRequest(GenerationRequest generation, boolean stream, boolean includeUsage, boolean logprobs) {}
