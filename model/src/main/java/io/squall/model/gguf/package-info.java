/**
 * GGUF v2/v3 files: a memory-mapped reader that validates everything sized from the file before using it (errors name
 * the byte offset, key or tensor), and a writer. No dependencies on the other model packages except tensor types.
 */
package io.squall.model.gguf;
