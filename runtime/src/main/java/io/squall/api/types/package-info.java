/**
 * TornadoVM's scalar value types that Java lacks: {@code HalfFloat}, {@code BFloat16}, {@code FP8}. Uses nothing.
 */
package io.squall.api.types;
