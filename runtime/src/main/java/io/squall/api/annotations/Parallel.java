package io.squall.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a loop index whose iterations are independent: {@code for (@Parallel int i = 0; i < n; i++)}.
 * A type-use annotation, so it reaches the class file (RuntimeVisibleTypeAnnotations) where the JIT reads it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE, ElementType.LOCAL_VARIABLE})
public @interface Parallel {}
