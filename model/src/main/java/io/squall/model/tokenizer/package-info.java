/**
 * Tokenizers: SentencePiece-style BPE with byte fallback (Llama 1/2) and byte-level BPE with the Llama 3
 * pre-tokenizer, over a {@link io.squall.model.tokenizer.Vocabulary} read from GGUF metadata; streaming UTF-8 decoding.
 */
package io.squall.model.tokenizer;
