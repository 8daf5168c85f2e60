package io.squall.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a one-element array parameter that a {@code @Parallel} loop reduces into
 * ({@code result[0] += x}, {@code Math.max(result[0], x)}, ...).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER})
public @interface Reduce {}
