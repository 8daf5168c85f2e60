/**
 * Reading tokenizers from other formats (llama2.c tokenizer.bin, SentencePiece tokenizer.model, Hugging Face
 * tokenizer.json) into a {@link io.squall.model.tokenizer.Vocabulary}, and the {@code convert-tokenizer} command that
 * writes it as a vocabulary-only GGUF file. Malformed files give errors naming the file and byte offset.
 */
package io.squall.model.tokenizer.convert;
