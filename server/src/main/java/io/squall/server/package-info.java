/**
 * {@code llama serve}: an OpenAI-compatible HTTP server over Squall's inference API ({@code io.squall.llama}).
 * POST /v1/chat/completions and /v1/completions (with SSE streaming), GET /v1/models, GET /health. Requests are
 * validated field by field with OpenAI-shaped errors; concurrent requests decode together in the model's sequence
 * slots (continuous batching); a full queue answers 429.
 */
package io.squall.server;
