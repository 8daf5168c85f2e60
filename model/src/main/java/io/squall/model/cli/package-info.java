/**
 * The {@code llama} command line (picocli): generation, chat, info, tokenize and the model tools. The only package
 * that may use picocli besides the tools' own commands; everything it runs is reachable through the library API.
 */
package io.squall.model.cli;
