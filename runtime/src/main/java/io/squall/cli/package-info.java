/**
 * The {@code tornado} launcher's Java side: device listing, the runtime's options as system properties, and
 * running a user's main class with the runtime on the class path. Uses {@code device}, {@code backend},
 * {@code backend.jvm.driver} and {@code plan}'s options; picocli for the command line. Nothing in the runtime
 * depends on it.
 */
package io.squall.cli;
