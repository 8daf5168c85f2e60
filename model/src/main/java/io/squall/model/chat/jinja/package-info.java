/**
 * A Jinja interpreter for the chat templates GGUF files carry in {@code tokenizer.chat_template}, rendering them as
 * Hugging Face transformers does (its environment: trim_blocks, lstrip_blocks, raise_exception, tojson,
 * strftime_now, loop controls). It covers the subset chat templates use: output, if/elif/else, for with loop
 * variables, set (and namespace attributes), Python-like values, string methods, the common filters and tests.
 * Strings remember which characters came from message content ({@link io.squall.model.chat.jinja.Str}), so the
 * rendered prompt can be tokenized with special tokens parsed in the template's markup only.
 */
package io.squall.model.chat.jinja;
