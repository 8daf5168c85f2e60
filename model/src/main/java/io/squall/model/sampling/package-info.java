/**
 * Picking the next token from logits: llama.cpp's default chain (repetition penalty, top-k, top-p, min-p,
 * temperature, seeded draw) or greedy. Plain Java.
 */
package io.squall.model.sampling;
